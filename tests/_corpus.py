"""Real-world Python files to throw at `check_lines` (see test_robustness.py).

The corpus is every `.py` file of the running interpreter's site-packages,
plus the folders listed in the KERAS_SERIAL_CORPUS environment variable
(os.pathsep-separated), e.g. the site-packages of a TensorFlow install:

    KERAS_SERIAL_CORPUS=/path/to/tf-venv/lib/python3.11/site-packages pytest -m slow tests/test_robustness.py

Files are read the way flake8 reads them (tokenize.open + readlines, so
PEP 263 encodings and universal newlines apply) and parsed the way flake8
parses them (`ast.parse` of the joined lines).
"""

from __future__ import annotations

import ast
import os
import site
import sysconfig
import time
import tokenize
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from flake8_keras_serial.checker import check_lines

ENV_VAR = "KERAS_SERIAL_CORPUS"

MAJORS = (3, 2)


def extra_roots() -> list[Path]:
    raw = os.environ.get(ENV_VAR, "")
    return [Path(part) for part in raw.split(os.pathsep) if part.strip()]


def site_roots(include_stdlib: bool = False) -> list[Path]:
    roots: list[str] = []
    try:
        roots.extend(site.getsitepackages())
    except AttributeError:  # old virtualenv's site.py
        pass
    paths = sysconfig.get_paths()
    roots.extend([paths["purelib"], paths["platlib"]])
    if include_stdlib:
        roots.append(paths["stdlib"])
    return [Path(root) for root in roots]


def unique_existing(roots: Iterable[Path]) -> list[Path]:
    seen: set[str] = set()
    found = []
    for root in roots:
        real = os.path.realpath(root)
        if real not in seen and os.path.isdir(real):
            seen.add(real)
            found.append(Path(real))
    return found


def python_files(roots: Iterable[Path]) -> list[Path]:
    """Every `.py` file below the roots, each real file once, in a stable order.

    A root nested in another (stdlib contains site-packages) is not walked twice.
    """
    seen: set[str] = set()
    files: list[Path] = []
    for root in unique_existing(roots):
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if not name.endswith(".py"):
                    continue
                real = os.path.realpath(os.path.join(folder, name))
                if real in seen or not os.path.isfile(real):
                    continue
                seen.add(real)
                files.append(Path(real))
    return files


def read_lines(path: Path) -> list[str] | None:
    """The file's lines as flake8 gives them to plugins, or None if unreadable."""
    try:
        with tokenize.open(path) as handle:
            return handle.readlines()
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError, ValueError):
        return None


def parse(lines: list[str]) -> ast.Module | None:
    """flake8's tree, or None when flake8 would report E999 and skip plugins."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in old packages
        try:
            return ast.parse("".join(lines))
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None


def mentions_keras(lines: list[str]) -> bool:
    return any("keras" in line for line in lines)


@dataclass
class Problem:
    """An exception escaping check_lines, or a KS000 on a well-formed file."""

    path: str
    major: int
    what: str  # "exception", "KS000", "bad result"
    detail: str

    def __str__(self) -> str:
        return f"{self.path} [keras {self.major}] {self.what}: {self.detail}"


@dataclass
class ScanReport:
    files: int = 0
    unreadable: int = 0
    keras_files: int = 0
    syntax_errors: int = 0
    findings: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)

    def summary(self) -> str:
        slow = ", ".join(f"{Path(path).name} {seconds:.2f}s" for seconds, path in self.slowest[:5])
        return (
            f"{self.files} files ({self.keras_files} mention keras, {self.syntax_errors} not parseable, "
            f"{self.unreadable} unreadable), {self.findings} findings, "
            f"{len(self.problems)} problems, {self.seconds:.1f}s; slowest: {slow}"
        )


def run_guarded(
    path: str, major: int, lines: list[str], tree: ast.Module | None, filename: str | None = None
) -> tuple[list, list[Problem]]:
    """check_lines, turning anything that escapes it into a Problem."""
    label = path if filename is None else f"{path} (with its project)"
    try:
        result = check_lines(lines, major, tree, filename=filename)
    except BaseException as error:  # noqa: BLE001 - that is the bug we look for
        if isinstance(error, KeyboardInterrupt):
            raise
        return [], [Problem(label, major, "exception", "".join(traceback.format_exception(error)))]
    if not isinstance(result, list):
        return [], [Problem(label, major, "bad result", f"check_lines returned {type(result).__name__}")]
    return result, []


def check_file(path: Path, report: ScanReport, majors: Iterable[int] = MAJORS, with_project: bool = True) -> None:
    report.files += 1
    lines = read_lines(path)
    if lines is None:
        report.unreadable += 1
        return
    if not mentions_keras(lines):
        # check_lines must skip it before parsing anything; no need to build the tree.
        for major in majors:
            result, problems = run_guarded(str(path), major, lines, None)
            report.problems += problems
            if result:
                report.problems.append(Problem(str(path), major, "bad result", f"findings without 'keras': {result}"))
        return
    report.keras_files += 1
    tree = parse(lines)
    if tree is None:
        report.syntax_errors += 1
        return
    runs = [(major, None) for major in majors]
    if with_project:
        runs.append((majors[0], str(path)))  # as flake8 calls it: the project index is read too
    for major, filename in runs:
        start = time.perf_counter()
        result, problems = run_guarded(str(path), major, lines, tree, filename)
        elapsed = time.perf_counter() - start
        label = f"{path} [keras {major}{', project' if filename else ''}]"
        report.slowest.append((elapsed, label))
        report.problems += problems
        report.findings += len(result)
        for finding in result:
            if finding.code == "KS000":  # a well-formed file never gets one
                report.problems.append(Problem(label, major, "KS000", f"line {finding.line}: {finding.message}"))


def scan(paths: Iterable[Path], majors: Iterable[int] = MAJORS, with_project: bool = True) -> ScanReport:
    """check_lines on every file, for each major, and once more with the file's
    name (when check_lines takes it), which makes it read the project around."""
    report = ScanReport()
    majors = tuple(majors)
    start = time.perf_counter()
    for path in paths:
        check_file(path, report, majors, with_project)
    report.seconds = time.perf_counter() - start
    report.slowest.sort(reverse=True)
    del report.slowest[10:]
    return report


def keras_files(paths: Iterable[Path]) -> Iterator[tuple[Path, list[str]]]:
    """(path, lines) of the readable corpus files that mention keras."""
    for path in paths:
        lines = read_lines(path)
        if lines is not None and mentions_keras(lines):
            yield path, lines
