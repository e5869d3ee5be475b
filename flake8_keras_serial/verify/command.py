"""`keras-serial verify PATHS`: plan from the source, run in subprocesses,
report every failure with the KS code it confirms."""

from __future__ import annotations

import importlib.util
import json
import sys
import tokenize
from pathlib import Path

from ..checker import check_lines
from ..versions import parse_choice
from .plan import Case, Untested, plan_file
from .runner import run_cases, run_script_cases
from .verdicts import CaseReport, judge

NEEDS_EXTRA = (
    "keras-serial verify needs TensorFlow, which is not installed here: "
    'pip install "tensorflow>=2.16" (what the [verify] extra of flake8-keras-serial installs)'
)


def missing_runtime(major: int) -> str | None:
    if importlib.util.find_spec("tensorflow") is None:
        return NEEDS_EXTRA
    if major == 2 and importlib.util.find_spec("tf_keras") is None:
        return "keras-serial verify: these files run under Keras 2, but tf_keras is not installed: pip install tf_keras"
    return None


def run_verify(arguments) -> int:
    try:
        project_major = parse_choice(arguments.keras_version)
    except ValueError as error:
        print(f"keras-serial: {error}", file=sys.stderr)
        return 2
    paths = [Path(path) for path in arguments.paths]
    for path in paths:
        if not path.is_file():
            print(f"keras-serial: {path}: no such file", file=sys.stderr)
            return 2
    cases: list[Case] = []
    untested: list[Untested] = []
    static: dict[str, list] = {}
    for path in paths:
        try:
            found, skipped = plan_file(path, project_major, first_id=len(cases))
        except (SyntaxError, UnicodeDecodeError, OSError) as error:
            print(f"keras-serial: {path}: cannot read it: {error}", file=sys.stderr)
            return 2
        cases += found
        untested += skipped
        with tokenize.open(path) as handle:
            static[str(path.resolve())] = check_lines(handle.readlines(), project_major, filename=str(path))
    for major in sorted({case.major for case in cases}):
        problem = missing_runtime(major)
        if problem:
            print(problem, file=sys.stderr)
            return 2
    reports: list[CaseReport] = []
    errors: list[str] = []
    processes = 0
    seconds = 0.0
    if arguments.run_script:
        problem = missing_runtime(project_major)
        if problem:
            print(problem, file=sys.stderr)
            return 2
        for path in paths:
            script_cases, outcome = run_script_cases(path, project_major, arguments.timeout, _class_lines(path))
            errors += outcome.errors
            processes += outcome.processes
            seconds += outcome.seconds
            for case in script_cases:
                reports.append(judge(case, outcome.made, outcome.loads, static[case.file], case.end_line))
        cases = []  # the script's own models replace the per-class plan
        untested = []
    for major in sorted({case.major for case in cases}):
        group = [case for case in cases if case.major == major]
        outcome = run_cases(group, major, arguments.timeout)
        errors += outcome.errors
        processes += outcome.processes
        seconds += outcome.seconds
        for case in group:
            reports.append(judge(case, outcome.made, outcome.loads, static[case.file], case.end_line))
    failed = any(report.failed for report in reports) or bool(errors)
    if arguments.format == "json":
        print(
            json.dumps(
                {
                    "classes": [report.to_json() for report in reports],
                    "untested": [vars(item) for item in untested],
                    "errors": errors,
                    "processes": processes,
                    "seconds": round(seconds, 2),
                },
                indent=2,
            )
        )
    else:
        _print_text(reports, untested, errors, processes, seconds)
    return 1 if failed else 0


def _class_lines(path: Path):
    import ast  # noqa: PLC0415

    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = {
        node.name: (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    return lambda name: lines.get(name, (1, 1))


def _print_text(reports, untested, errors, processes, seconds) -> None:
    for report in reports:
        print(f"{report.file}:{report.line}:1: {report.class_name} ({report.how})")
        if report.note:
            print(f"    not tested: {report.note}")
        for finding in report.runtime:
            status = "confirmed" if report.static.get(finding.code) == "confirmed" else "found at run time"
            print(f"    {finding.code} {status}: {finding.where}: {finding.error}")
        for code, verdict in sorted(report.static.items()):
            if verdict != "confirmed":
                print(f"    {code} {verdict}")
        if report.tested and not report.runtime:
            print("    round-trips: saved, loaded in fresh processes, same outputs")
        if report.serving:
            print(f"    note: {report.serving}")
    for item in untested:
        print(f"{item.file}:{item.line}:1: {item.class_name} not tested: {item.reason}")
    for error in errors:
        print(f"error: {error}")
    failing = sum(1 for report in reports if report.failed)
    print(
        f"{len(reports)} classes verified in {processes} fresh processes ({seconds:.1f} s): "
        f"{failing} failing, {len(reports) - failing} round-trip, {len(untested)} not tested"
    )
