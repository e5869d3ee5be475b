"""`keras-serial`: the same checks without flake8, and the rule table.

    keras-serial check PATHS...   lint files and folders (exit 1 on findings)
    keras-serial rules [CODE]     list the rules, or show one

Exit codes: 0 nothing found, 1 findings, 2 usage error.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import tokenize
from pathlib import Path
from typing import Iterator, Sequence

from . import __version__
from .checker import check_lines
from .codes import CODES
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
    missing = [path for path in paths if not Path(path).exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or folder")
    return list(_python_files(paths))


def run_check(arguments: argparse.Namespace) -> int:
    project_major, selected = _options(arguments)
    entries: list[Entry] = []
    for path in _existing_python_files(arguments.paths):
        try:
            lines = _read_lines(path)
            tree = ast.parse("".join(lines), filename=str(path))
        except SyntaxError as error:
            entries.append(Entry(str(path), error.lineno or 1, error.offset or 1, "E999", f"SyntaxError: {error.msg}"))
            continue
        except (OSError, UnicodeDecodeError, ValueError) as error:
            entries.append(Entry(str(path), 1, 1, "E902", f"{type(error).__name__}: {error}"))
            continue
        for finding in check_lines(lines, project_major, tree, str(path), arguments.project_root):
            if selected(finding.code):
                entries.append(Entry(str(path), finding.line, finding.col + 1, finding.code, finding.message))
    docs_url = arguments.docs_url or docs_base_url()
    hyperlinks = arguments.format == "text" and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
    sys.stdout.write(render(entries, arguments.format, docs_url, hyperlinks))
    if arguments.format == "text":
        sys.stderr.write(summary(entries))
    return 1 if entries else 0


def run_rules(arguments: argparse.Namespace) -> int:
    if arguments.code:
        code = arguments.code.upper()
        if code not in CODES:
            print(f"keras-serial: unknown rule {arguments.code!r}; `keras-serial rules` lists them", file=sys.stderr)
            return 2
        page = rule_page(code)
        print(page if page else f"{code}  {CODES[code]}", end="" if page else "\n")
        return 0
    for code, meaning in CODES.items():
        print(f"{code}  {meaning}")
    return 0


def run_fix(arguments: argparse.Namespace) -> int:
    """Print a unified diff of the fixes (or apply them with --write); say what cannot be fixed.

    Two passes: every file is fixed, then the loads of a save path that a fix renamed in
    another file follow the new name."""
    import difflib

    from .fixes import fix_source
    from .fixes.saveload import rename_loads

    project_major, selected = _options(arguments)
    sources: dict[Path, tuple[str, str, list[str]]] = {}  # path -> (original, fixed, codes fixed)
    renames: dict[str, str] = {}
    for path in _existing_python_files(arguments.paths):
        try:
            with tokenize.open(path) as handle:
                source = handle.read()
            result = fix_source(source, project_major, str(path), selected, arguments.package)
        except (SyntaxError, UnicodeDecodeError, ValueError, OSError) as error:
            print(f"keras-serial: {path}: cannot fix it: {error}", file=sys.stderr)
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
    return 1 if changed else 0


def _run_verify(arguments: argparse.Namespace) -> int:
    from .verify.command import run_verify  # only this command needs the verifier

    return run_verify(arguments)


def _run_lsp(arguments: argparse.Namespace) -> int:
    from .lsp import run_lsp  # only this command needs pygls

    return run_lsp(arguments)


# Settings `[tool.keras-serial]` may give; the command line wins.
_CONFIG_KEYS = ("keras-version", "project-root", "select", "ignore", "package", "docs-url")


def _apply_project_config(arguments: argparse.Namespace) -> None:
    """Fill unset options from `[tool.keras-serial]` of the project's pyproject.toml."""
    paths = getattr(arguments, "paths", None)
    if paths:
        config, folder = _project_config(Path(paths[0]))
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


def _project_config(start: Path) -> tuple[dict, Path]:
    root = find_project_root(start)
    try:
        import tomllib
    except ImportError:  # Python 3.10: no TOML reader in the standard library
        return {}, root
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, root
    table = data.get("tool", {}).get("keras-serial", {})
    if not isinstance(table, dict):
        raise UsageError(f"{root / 'pyproject.toml'}: [tool.keras-serial] must be a table")
    return {key: value for key, value in table.items() if key in _CONFIG_KEYS}, root


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
    rules = commands.add_parser("rules", help="list the rules, or show one")
    rules.add_argument("code", nargs="?")
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
