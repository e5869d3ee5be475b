"""`# noqa` comments, with flake8's meaning, for `keras-serial check`, `fix` and the
language server (flake8 applies its own to the plugin's findings).

As in flake8 7:

* `# noqa` silences every finding on its line; `# noqa: KS101` or `# noqa:KS101,KS102`
  (codes separated by commas or spaces) only those codes, and any code they start
  (`# noqa: KS1` silences KS101). The word `noqa` is case-insensitive, the codes are not.
* The line of a statement that spans several lines (a call split over lines, a
  triple-quoted string) is the whole statement: a `# noqa` on any of its lines covers
  findings on all of them.
* `# flake8: noqa` alone on a line skips the whole file.
* `--disable-noqa` turns all of this off.
"""

from __future__ import annotations

import io
import re
import tokenize

# flake8.defaults.NOQA_INLINE_REGEXP and NOQA_FILE, verbatim.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.I)
_SEPARATORS = re.compile(r"[,\s]")


def line_silences(line: str, code: str) -> bool:
    """Whether the `# noqa` comment on `line` (if any) silences `code` there."""
    match = NOQA_INLINE.search(line)
    if match is None:
        return False
    codes_text = match.group("codes")
    if codes_text is None:
        return True
    codes = {part.strip() for part in _SEPARATORS.split(codes_text) if part.strip()}
    return code in codes or code.startswith(tuple(codes))


def file_skipped(lines: list[str]) -> bool:
    """`# flake8: noqa` alone on a line: flake8 does not check the file at all."""
    return any(NOQA_FILE.match(line) for line in lines)


class NoqaLines:
    """The text each line's `# noqa` is looked for in: the line itself, or the whole
    statement (as flake8 maps it, by tokens) when the statement spans several lines."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._mapping: dict[int, str] | None = None

    def silences(self, line_number: int, code: str) -> bool:
        return line_silences(self.text_for(line_number), code)

    def text_for(self, line_number: int) -> str:
        if self._mapping is None:
            self._mapping = _statement_lines(self.lines)
        if line_number in self._mapping:
            return self._mapping[line_number]
        return self.lines[line_number - 1] if 0 < line_number <= len(self.lines) else ""


def _statement_lines(lines: list[str]) -> dict[int, str]:
    """flake8's FileProcessor._noqa_line_mapping: line number -> the joined lines of its statement."""
    mapping: dict[int, str] = {}
    first, last = len(lines) + 2, -1
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("".join(lines)).readline))
    except (tokenize.TokenError, SyntaxError, RecursionError, MemoryError):
        return {}  # flake8 then falls back to each physical line, as text_for does
    for token in tokens:
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        first, last = min(first, token.start[0]), max(last, token.end[0])
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            joined = "".join(lines[first - 1 : last])
            for number in range(first, last + 1):
                mapping[number] = joined
            first, last = len(lines) + 2, -1
    return mapping
