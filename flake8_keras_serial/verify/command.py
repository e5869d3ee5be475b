"""`keras-serial verify PATHS`: plan from the source, run in subprocesses,
report every failure with the KS code it confirms.

Exit status: 0 every class round-trips; 1 a class fails, a step failed or
timed out, or a --run-script script failed; 3 a class was not tested (could
not be built, saved, loaded or compared) and --allow-untested was not given;
2 usage error or no TensorFlow; 130 interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import shlex
import sys
import tokenize
from pathlib import Path

from ..checker import check_lines
from ..versions import parse_choice
from .plan import Case, Untested, module_names, plan_file
from .runner import Cancelled, cancel_on_sigterm, run_cases, run_script_cases, script_major
from .verdicts import FAILING, NOT_TESTED, ROUND_TRIP, CaseReport, judge

NEEDS_EXTRA = (
    "keras-serial verify needs TensorFlow, which is not installed here: "
    'pip install "tensorflow>=2.16" (what the [verify] extra of flake8-keras-serial installs)'
)
EXIT_UNTESTED = 3
EXIT_INTERRUPTED = 130


def missing_runtime(major: int) -> str | None:
    if importlib.util.find_spec("tensorflow") is None:
        return NEEDS_EXTRA
    if major == 2 and importlib.util.find_spec("tf_keras") is None:
        return "keras-serial verify: these files run under Keras 2, but tf_keras is not installed: pip install tf_keras"
    return None


def python_files(arguments_paths: list[str]) -> list[Path] | str:
    """The files to verify: each file given, and the .py files under each folder."""
    paths: list[Path] = []
    for given in arguments_paths:
        path = Path(given)
        if path.is_dir():
            paths += sorted(
                found for found in path.rglob("*.py")
                if not any(part.startswith(".") or part in ("__pycache__", "node_modules") for part in found.parts)
            )
        elif path.is_file():
            paths.append(path)
        else:
            return f"keras-serial: {path}: no such file or folder"
    return paths


def run_verify(arguments) -> int:
    cancel_on_sigterm()
    try:
        return _run_verify(arguments)
    except (KeyboardInterrupt, Cancelled):
        # Every step's process group is killed and its folder removed on the way here.
        print("keras-serial verify: interrupted; no process or temporary folder is left behind", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run_verify(arguments) -> int:
    try:
        project_major = parse_choice(arguments.keras_version)
    except ValueError as error:
        print(f"keras-serial: {error}", file=sys.stderr)
        return 2
    paths = python_files(arguments.paths)
    if isinstance(paths, str):
        print(paths, file=sys.stderr)
        return 2
    try:
        script_args = shlex.split(getattr(arguments, "script_args", None) or "")
    except ValueError as error:
        print(f"keras-serial: --script-args: {error}", file=sys.stderr)
        return 2
    names = module_names(paths)
    cases: list[Case] = []
    untested: list[Untested] = []
    static: dict[str, list] = {}
    for path in paths:
        try:
            found, skipped = plan_file(path, project_major, first_id=len(cases), module=names[path])
            with tokenize.open(path) as handle:
                static[str(path.resolve())] = check_lines(handle.readlines(), project_major, filename=str(path))
        except (SyntaxError, UnicodeDecodeError, OSError, ValueError, RecursionError) as error:
            print(f"keras-serial: {path}: cannot read it: {error}", file=sys.stderr)
            return 2
        cases += found
        untested += skipped
    shown = {case.module: names[path].shown for path in paths for case in cases if case.file == str(path.resolve())}
    reports: list[CaseReport] = []
    errors: list[str] = []
    notes: list[str] = []
    processes = 0
    seconds = 0.0
    if arguments.run_script:
        majors = {path: script_major(path.read_text(encoding="utf-8"), project_major) for path in paths}
        for major in sorted(set(majors.values())):
            problem = missing_runtime(major)
            if problem:
                print(problem, file=sys.stderr)
                return 2
        lines = {path: _class_lines(path) for path in paths}
        ranges = {path: _class_ranges(path) for path in paths}
        runs, outcomes = run_script_cases(
            [(path, names[path].name, majors[path]) for path in paths],
            arguments.timeout, lambda path, name: lines[path](name), script_args,
        )
        for outcome in outcomes.values():
            errors += outcome.errors
            processes += outcome.processes
            seconds += outcome.seconds
        for run in runs:
            errors += [f"{run.path}: {error}" for error in run.errors]
            if run.synthetic:
                notes.append(f"{run.path}: ran offline, with synthetic data of the same shapes and dtypes from "
                             f"{', '.join(run.synthetic)}")
            for case in run.cases:
                reports.append(judge(case, outcomes[case.major], static[case.file], names[run.path].shown,
                                     ranges[run.path]))
            if not run.cases:
                reason = "the script saved no model before it failed" if run.errors else "the script saved no model"
                untested.append(Untested(str(run.path), "(script)", 1, reason))
        cases = []  # the script's own models replace the per-class plan
        untested = [item for item in untested if item.class_name == "(script)"]
    for major in sorted({case.major for case in cases}):
        problem = missing_runtime(major)
        if problem:
            print(problem, file=sys.stderr)
            return 2
    for major in sorted({case.major for case in cases}):
        group = [case for case in cases if case.major == major]
        outcome = run_cases(group, major, arguments.timeout)
        errors += outcome.errors
        processes += outcome.processes
        seconds += outcome.seconds
        for case in group:
            reports.append(judge(case, outcome, static[case.file], shown.get(case.module, case.module)))
    totals = _totals(reports, untested)
    status = _exit_status(totals, errors, getattr(arguments, "allow_untested", False))
    if arguments.format == "json":
        print(
            json.dumps(
                {
                    "classes": [report.to_json() for report in reports],
                    "untested": [vars(item) for item in untested],
                    "errors": errors,
                    "notes": notes,
                    "totals": totals,
                    "exit_status": status,
                    "processes": processes,
                    "seconds": round(seconds, 2),
                },
                indent=2,
            )
        )
    else:
        _print_text(reports, untested, errors + [f"note: {note}" for note in notes], processes, seconds, totals)
    if status == EXIT_UNTESTED:
        print(
            f"keras-serial verify: {totals[NOT_TESTED]} of {totals['classes']} classes not tested "
            f"(exit status 3; --allow-untested accepts that)",
            file=sys.stderr,
        )
    return status


def _totals(reports: list[CaseReport], untested: list[Untested]) -> dict:
    """Every class is failing, round-trip or not tested; a base class and a layer
    its owner rebuilds are covered by others' verdicts and not counted."""
    counted = [item for item in untested if item.covered_by is None]
    totals = {
        FAILING: sum(report.verdict == FAILING for report in reports),
        ROUND_TRIP: sum(report.verdict == ROUND_TRIP for report in reports),
        NOT_TESTED: sum(report.verdict == NOT_TESTED for report in reports) + len(counted),
    }
    return {"classes": sum(totals.values()), **totals}


def _exit_status(totals: dict, errors: list[str], allow_untested: bool) -> int:
    if totals[FAILING] or errors:
        return 1
    if totals[NOT_TESTED] and not allow_untested:
        return EXIT_UNTESTED
    return 0


def _class_lines(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = {
        node.name: (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    return lambda name: lines.get(name, (1, 1))


def _class_ranges(path: Path) -> dict[str, tuple[int, int]]:
    """Each class's first line (its first decorator's) and last line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name: (min([node.lineno, *(item.lineno for item in node.decorator_list)]), node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }


def _print_text(reports, untested, errors, processes, seconds, totals) -> None:
    for report in reports:
        print(f"{report.file}:{report.line}:1: {report.class_name} ({report.how})")
        for finding in report.runtime:
            status = "confirmed" if report.static.get(finding.code) == "confirmed" else "found at run time"
            print(f"    {finding.code} {status}: {finding.where}: {finding.error}")
        for code, verdict in sorted(report.static.items()):
            if verdict != "confirmed":
                print(f"    {code} {verdict}")
        if report.verdict == ROUND_TRIP:
            print("    round-trips: saved, loaded in fresh processes, same outputs")
        elif report.note:
            print(f"    not tested: {report.note}" if report.verdict == NOT_TESTED else f"    also: {report.note}")
        if report.serving:
            print(f"    note: {report.serving}")
    for item in untested:
        if item.covered_by is None:
            print(f"{item.file}:{item.line}:1: {item.class_name} not tested: {item.reason}")
        else:
            print(f"{item.file}:{item.line}:1: {item.class_name}: {item.reason}")
    for error in errors:
        print(error if error.startswith("note: ") else f"error: {error}")
    print(
        f"{totals['classes']} classes verified in {processes} fresh processes ({seconds:.1f} s): "
        f"{totals[FAILING]} failing, {totals[ROUND_TRIP]} round-trip, {totals[NOT_TESTED]} not tested"
    )
