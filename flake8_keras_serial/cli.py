"""`keras-serial`: the same checks without flake8, and the rule table.

    keras-serial check PATHS...   lint files and folders (exit 1 on findings); `-` reads stdin
    keras-serial fix PATHS...     print the automatic fixes as a diff (--write applies them)
    keras-serial rules [CODE...]  list the rules, or show their pages

Exit codes: 0 nothing found (or nothing to fix), 1 findings (or files fixed),
2 usage error, a path that cannot be read, or (fix) a file that cannot be parsed.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import io
import os
import sys
import tokenize
from pathlib import Path
from typing import Iterator, Sequence

from . import __version__
from .checker import check_lines
from .codes import CODES
from .noqa import NoqaLines, file_skipped
from .project_index import find_project_root
from .report import FORMATS, Entry, docs_base_url, render, rule_page, summary
from .versions import VERSION_CHOICES, parse_choice

_SKIPPED_DIRS = {"__pycache__", "node_modules", "site-packages"}


def _python_files(paths: Sequence[str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
                for name in sorted(files):
                    if name.endswith(".py"):
                        yield Path(folder) / name
        else:
            yield path


def _read_lines(path: Path) -> list[str]:
    with tokenize.open(path) as handle:  # honours PEP 263 encoding declarations
        return handle.readlines()


def _read_stdin() -> list[str]:
    """Standard input's lines, decoded as its PEP 263 declaration (or UTF-8) says."""
    data = sys.stdin.buffer.read()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return io.StringIO(data.decode(encoding), newline="").readlines()


def _unparsable(path: str, error: BaseException) -> Entry:
    """flake8's E999 for a file Python cannot parse, at the position flake8 gives it: the
    error's line, and its 1-based offset plus one (flake8 adds 1 to every column)."""
    if isinstance(error, SyntaxError):
        return Entry(path, error.lineno or 1, (error.offset or 0) + 1, "E999", f"{type(error).__name__}: {error.msg}")
    if isinstance(error, (RecursionError, MemoryError)):  # nested deeper than CPython's parser goes
        detail = "the code is nested too deeply for Python's parser"
        return Entry(path, 1, 1, "E999", f"{type(error).__name__}: {detail}")
    return Entry(path, 1, 1, "E999", f"{type(error).__name__}: {error}")  # ValueError: a NUL byte (3.10)


def _selected(code: str, select: list[str], ignore: list[str]) -> bool:
    if select and not any(code.startswith(prefix) for prefix in select):
        return False
    return not any(code.startswith(prefix) for prefix in ignore)


def _codes(text: str | None) -> list[str]:
    return [part.strip().upper() for part in (text or "").split(",") if part.strip()]


class UsageError(Exception):
    """Bad arguments: reported in one line, exit code 2."""


def _options(arguments: argparse.Namespace):
    """(Keras major version, code filter) from --keras-version, --select and --ignore."""
    try:
        project_major = parse_choice(arguments.keras_version)
    except ValueError as error:
        raise UsageError(str(error)) from error
    select, ignore = _codes(arguments.select), _codes(arguments.ignore)
    return project_major, lambda code: _selected(code, select, ignore)


def _existing_python_files(paths: Sequence[str]) -> list[Path]:
    for path in paths:
        if path == STDIN:
            continue
        if not Path(path).exists():
            try:
                os.stat(path)
            except OSError as error:  # a symlink loop, a dangling link, a missing file
                reason = "no such file or folder" if not os.path.lexists(path) else f"cannot read it: {error.strerror}"
                raise UsageError(f"{path}: {reason}") from error
    return list(_python_files([path for path in paths if path != STDIN]))


STDIN = "-"
_FILE_ERRORS = ("E902", "E999")  # a file that cannot be read or parsed: shown whatever --select says


def _sources(arguments: argparse.Namespace) -> Iterator[tuple[str, str | None, list[str] | BaseException]]:
    """(the name to print, the file name the project checks use, its lines or why they cannot
    be read) for each file to check. Standard input without --stdin-display-name is checked on
    its own: it is no file of the project, so it cannot collide with one (KS107)."""
    for path in _existing_python_files(arguments.paths):
        try:
            yield str(path), str(path), _read_lines(path)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as error:  # SyntaxError: a bad coding line
            yield str(path), str(path), error
    if STDIN in arguments.paths:
        display_name = arguments.stdin_display_name
        try:
            yield display_name or "stdin", display_name, _read_stdin()
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as error:
            yield display_name or "stdin", display_name, error


def _check_one(display: str, filename: str | None, lines: list[str], project_major: int, arguments) -> list[Entry]:
    if not arguments.disable_noqa and file_skipped(lines):  # `# flake8: noqa`, as flake8 does
        return []
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        entries = [_unparsable(display, error)]
    else:
        entries = [
            Entry(display, finding.line, finding.col + 1, finding.code, finding.message, finding.details)
            for finding in check_lines(lines, project_major, tree, filename, arguments.project_root)
        ]
    if arguments.disable_noqa:
        return entries
    noqa = NoqaLines(lines)
    return [entry for entry in entries if not noqa.silences(entry.line, entry.code)]


def run_check(arguments: argparse.Namespace) -> int:
    project_major, selected = _options(arguments)
    entries: list[Entry] = []
    for display, filename, lines in _sources(arguments):
        if isinstance(lines, BaseException):
            entries.append(Entry(display, 1, 1, "E902", f"{type(lines).__name__}: {lines}"))
            continue
        found = _check_one(display, filename, lines, project_major, arguments)
        entries += [entry for entry in found if entry.code in _FILE_ERRORS or selected(entry.code)]
    docs_url = arguments.docs_url or docs_base_url()
    hyperlinks = arguments.format == "text" and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
    sys.stdout.write(render(entries, arguments.format, docs_url, hyperlinks))
    if arguments.format == "text":
        sys.stderr.write(summary(entries))
    return 1 if entries else 0


def run_rules(arguments: argparse.Namespace) -> int:
    """The rule table, or the pages of the codes given (in the order given)."""
    if not arguments.codes:
        for code, meaning in CODES.items():
            print(f"{code}  {meaning}")
        return 0
    codes = [code.upper() for code in arguments.codes]
    unknown = [given for given, code in zip(arguments.codes, codes) if code not in CODES]
    if unknown:
        print(f"keras-serial: unknown rule {unknown[0]!r}; `keras-serial rules` lists them", file=sys.stderr)
        return 2
    pages = [rule_page(code) or f"{code}  {CODES[code]}\n" for code in dict.fromkeys(codes)]
    sys.stdout.write("\n".join(pages))
    return 0


def run_fix(arguments: argparse.Namespace) -> int:
    """Print a unified diff of the fixes (or apply them with --write); say what cannot be fixed.

    Two passes: every file is fixed, then the loads of a save path that a fix renamed in
    another file follow the new name."""
    from .fixes import fix_source
    from .fixes.saveload import rename_loads

    project_major, selected = _options(arguments)
    sources: dict[Path, tuple[str, str, list[str]]] = {}  # path -> (original, fixed, codes fixed)
    renames: dict[str, str] = {}
    unfixable = 0  # files that cannot be read or parsed: exit 2, so the fix hook does not pass them
    for path in _existing_python_files(arguments.paths):
        try:
            with tokenize.open(path) as handle:
                source = handle.read()
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as error:
            print(f"keras-serial: {path}: cannot read it: {type(error).__name__}: {error}", file=sys.stderr)
            unfixable += 1
            continue
        try:
            result = fix_source(source, project_major, str(path), selected, arguments.package)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            entry = _unparsable(str(path), error)
            print(f"{path}:{entry.line}:{entry.column}: {entry.code} {entry.message} (not fixed)", file=sys.stderr)
            unfixable += 1
            continue
        for finding, reason in result.unfixed:
            print(f"{path}:{finding.line}:{finding.col + 1}: {finding.code} not fixed: {reason}", file=sys.stderr)
        sources[path] = (source, result.fixed, sorted({finding.code for finding in result.applied}))
        renames.update(result.renames)
    changed = 0
    for path, (original, fixed, codes) in sources.items():
        fixed = rename_loads(fixed, renames)
        if fixed == original:
            continue
        changed += 1
        if arguments.write:
            path.write_text(fixed, encoding="utf-8")
            print(f"fixed {path}: {', '.join(codes) or 'loads of renamed files'}", file=sys.stderr)
        else:
            sys.stdout.writelines(
                difflib.unified_diff(
                    original.splitlines(keepends=True),
                    fixed.splitlines(keepends=True),
                    fromfile=f"a/{path}",
                    tofile=f"b/{path}",
                )
            )
    if unfixable:
        return 2
    return 1 if changed else 0


def _run_verify(arguments: argparse.Namespace) -> int:
    from .verify.command import run_verify  # only this command needs the verifier

    return run_verify(arguments)


def _run_lsp(arguments: argparse.Namespace) -> int:
    from .lsp import run_lsp  # only this command needs pygls

    return run_lsp(arguments)


# Settings `[tool.keras-serial]` may give; the command line wins.
_CONFIG_KEYS = ("keras-version", "project-root", "select", "ignore", "package", "docs-url")
# Tables read by other commands: `[tool.keras-serial.verify.<Class>]` (verify/plan.py).
_CONFIG_TABLES = ("verify",)


def _apply_project_config(arguments: argparse.Namespace) -> None:
    """Fill unset options from `[tool.keras-serial]` of the project's pyproject.toml."""
    paths = getattr(arguments, "paths", None)
    if paths:
        first = paths[0]
        if first == STDIN:
            first = getattr(arguments, "stdin_display_name", None) or "."
        config, folder = _project_config(Path(first))
        for key in _CONFIG_KEYS:
            attribute = key.replace("-", "_")
            if hasattr(arguments, attribute) and getattr(arguments, attribute) is None and key in config:
                value = config[key]
                if key in ("select", "ignore") and isinstance(value, list):
                    value = ",".join(value)
                if key == "project-root":
                    value = str((folder / str(value)).resolve())
                setattr(arguments, attribute, str(value))
    if getattr(arguments, "keras_version", "auto") is None:
        arguments.keras_version = "auto"


def _warn(message: str) -> None:
    print(f"keras-serial: warning: {message}", file=sys.stderr)


def _project_config(start: Path) -> tuple[dict, Path]:
    """`[tool.keras-serial]` of the project's pyproject.toml (only the known keys), and its folder.

    An unreadable or invalid pyproject.toml, and a misspelt key, are said on stderr, not ignored silently."""
    try:
        root = find_project_root(start)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, from Path.resolve
        return {}, Path.cwd()
    pyproject = root / "pyproject.toml"
    shown = os.path.relpath(pyproject) if pyproject.is_absolute() else str(pyproject)
    try:
        text = pyproject.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, root
    except (OSError, UnicodeDecodeError) as error:
        _warn(f"{shown}: cannot read it ({error}); its [tool.keras-serial] settings are not used")
        return {}, root
    try:
        data = _toml_loads(text)
    except ValueError as error:  # tomllib.TOMLDecodeError is a ValueError
        _warn(f"{shown}: not valid TOML ({error}); its [tool.keras-serial] settings are not used")
        return {}, root
    table = data.get("tool", {}).get("keras-serial", {})
    if not isinstance(table, dict):
        raise UsageError(f"{shown}: [tool.keras-serial] must be a table")
    for key in table:
        if key not in _CONFIG_KEYS + _CONFIG_TABLES:
            known = _CONFIG_KEYS + _CONFIG_TABLES
            close = difflib.get_close_matches(key.replace("_", "-"), known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(known)
            _warn(f"{shown}: [tool.keras-serial] has no setting '{key}' ({hint}); it is ignored")
    return {key: value for key, value in table.items() if key in _CONFIG_KEYS}, root


def _toml_loads(text: str) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10: the tomli backport (a dependency there)
        import tomli as tomllib
    return tomllib.loads(text)


def _add_file_options(command: argparse.ArgumentParser, verb: str | None) -> None:
    """PATH..., --keras-version and (for commands that filter codes) --select/--ignore.

    Unset options fall back to `[tool.keras-serial]` in the project's pyproject.toml."""
    command.add_argument("paths", nargs="+", metavar="PATH")
    command.add_argument("--keras-version", choices=VERSION_CHOICES, help="3, 2 or auto (default)")
    if verb:
        command.add_argument("--select", help=f"comma-separated code prefixes to {verb} (default: all)")
        command.add_argument("--ignore", help=f"comma-separated code prefixes not to {verb}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="keras-serial", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="lint Python files and folders")
    _add_file_options(check, "report")
    check.add_argument("--project-root", help="root of the project the cross-file checks read (default: found)")
    check.add_argument(
        "--stdin-display-name",
        help="with PATH `-`: the file standard input is (its name in the output, and its place in the "
        "project for the cross-file checks); without it, stdin is checked on its own as 'stdin'",
    )
    check.add_argument("--disable-noqa", action="store_true", help='report findings on lines with "# noqa" too')
    check.add_argument("--format", choices=FORMATS, default="text", help="text (default), json, github or sarif")
    check.add_argument(
        "--docs-url",
        help="base URL of the published rule pages (SARIF helpUri, links); default: the package's "
        "Project-URL 'Rules', else the pages installed with it",
    )
    check.set_defaults(handler=run_check)
    fix = commands.add_parser("fix", help="print a diff of the automatic fixes (--write applies them)")
    _add_file_options(fix, "fix")
    fix.add_argument("--write", action="store_true", help="change the files instead of printing a diff")
    fix.add_argument("--package", help="package= for register_keras_serializable (default: the module's name)")
    fix.set_defaults(handler=run_fix)
    verify = commands.add_parser("verify", help="really save and load the models of Python files (needs TensorFlow)")
    _add_file_options(verify, None)
    verify.add_argument("--format", choices=("text", "json"), default="text")
    verify.add_argument("--timeout", type=float, default=300.0, help="seconds per step (default: 300)")
    verify.add_argument(
        "--run-script",
        action="store_true",
        help="run the scripts themselves (fit capped to one step, every save redirected into a temporary folder) "
        "and verify the models they save",
    )
    verify.add_argument("--script-args", default="", help="with --run-script: the script's arguments, one string")
    verify.add_argument(
        "--allow-untested", action="store_true", help="exit 0 even when some classes could not be tested (else 3)"
    )
    verify.set_defaults(handler=_run_verify)
    lsp = commands.add_parser("lsp", help="run the language server (needs the [lsp] extra)")
    lsp.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio (for debugging)")
    lsp.set_defaults(handler=_run_lsp)
    rules = commands.add_parser("rules", help="list the rules, or show their pages")
    rules.add_argument("codes", nargs="*", metavar="CODE")
    rules.set_defaults(handler=run_rules)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_:
        return 2 if exit_.code not in (0, None) else 0
    try:
        _apply_project_config(arguments)
        return arguments.handler(arguments)
    except UsageError as error:
        print(f"keras-serial: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `keras-serial fix . | head`: the reader left, nothing to say
        sys.stdout = open(os.devnull, "w")
        return 1


if __name__ == "__main__":
    sys.exit(main())
