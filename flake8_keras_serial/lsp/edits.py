"""Pure text work for the language server: where a finding's range ends, the
smallest edits that turn one text into another, and `# noqa` comments.

Positions here are (line, character) with 0-based lines and characters counted
in Python `str` code points; the server converts them to the client's units.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass

Position = tuple[int, int]


@dataclass(frozen=True)
class TextEdit:
    start: Position
    end: Position
    new_text: str


def utf8_column_to_index(line: str, column: int) -> int:
    """`ast` columns count UTF-8 bytes; the editor counts characters."""
    return len(line.encode("utf-8")[:column].decode("utf-8", errors="ignore"))


_HEADER_NAME = re.compile(r"(?:async\s+)?(?:class|def)\s+\w+")
_WORD = re.compile(r"[\w.]+")


def finding_range(lines: list[str], tree: ast.AST | None, line: int, column: int) -> tuple[Position, Position]:
    """The range a finding at (1-based line, UTF-8 column) covers.

    A class or function finding covers its header up to the name (not the whole
    body); any other finding covers the expression or statement that starts
    there; failing that, the word at the position."""
    row = line - 1
    text = lines[row] if 0 <= row < len(lines) else ""
    start = utf8_column_to_index(text, column)
    header = _HEADER_NAME.match(text, start)
    if header:
        return (row, start), (row, header.end())
    node = _node_at(tree, line, column) if tree is not None else None
    if node is not None:
        end_row = node.end_lineno - 1
        end_text = lines[end_row] if end_row < len(lines) else ""
        return (row, start), (end_row, utf8_column_to_index(end_text, node.end_col_offset))
    word = _WORD.match(text, start)
    end = word.end() if word else len(text.rstrip("\r\n"))
    return (row, start), (row, max(end, start))


def _node_at(tree: ast.AST, line: int, column: int) -> ast.AST | None:
    """The outermost expression or statement that starts at (line, column)."""
    best = None
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) != line or getattr(node, "col_offset", None) != column:
            continue
        if getattr(node, "end_lineno", None) is None or isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            continue
        if best is None or (node.end_lineno, node.end_col_offset) > (best.end_lineno, best.end_col_offset):
            best = node
    return best


def minimal_edits(old: str, new: str) -> list[TextEdit]:
    """Line-level edits from `old` to `new` (what `fix` changed, not the whole file)."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            edits.append(TextEdit(_line_start(old_lines, i1), _line_start(old_lines, i2), "".join(new_lines[j1:j2])))
    return edits


def _line_start(lines: list[str], index: int) -> Position:
    """Where line `index` starts; past the last line, the end of the text."""
    if index < len(lines):
        return (index, 0)
    if not lines:
        return (0, 0)
    last = lines[-1]
    if last.endswith(("\n", "\r")):
        return (len(lines), 0)
    return (len(lines) - 1, len(last))


_NOQA = re.compile(r"#\s*noqa(?P<colon>\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


def noqa_edit(lines: list[str], row: int, code: str) -> TextEdit | None:
    """Add `code` to the line's `# noqa: ...` (or add one); None if already silenced."""
    if not 0 <= row < len(lines):
        return None
    text = lines[row].rstrip("\r\n")
    match = _NOQA.search(text)
    if match is None:
        return TextEdit((row, len(text)), (row, len(text)), f"  # noqa: {code}")
    codes = match.group("codes")
    if codes is None or code in re.split(r"[,\s]+", codes.upper()):
        return None  # a bare `# noqa` silences every code
    end = match.end("codes")
    return TextEdit((row, end), (row, end), f", {code}")


_CODE = re.compile(r"\bKS\d{3}\b")


def code_at(text: str, character: int) -> str | None:
    """The KS code under the cursor in a line, e.g. in `# noqa: KS105`."""
    for match in _CODE.finditer(text):
        if match.start() <= character <= match.end():
            return match.group(0)
    return None
