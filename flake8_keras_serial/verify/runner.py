"""Run the verifier's steps in fresh subprocesses, safely.

Each step is one `python -m flake8_keras_serial.verify.worker` process in a
new temporary folder, with a timeout, in its own process group (killed whole
on timeout or Ctrl-C), with every cache and home folder Keras might write to
pointed inside the temporary folder. The user's file is never imported as
is: a copy holding only its imports, functions, classes and constants is
written to the temporary folder, so the script's training and saving code
does not run.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .plan import Case

DEFAULT_TIMEOUT = 300.0
LOAD_VARIANTS = ("isolated", "imported", "custom_objects")


@dataclass
class StepOutcome:
    results: dict = field(default_factory=dict)
    error: str | None = None  # the step itself failed (timeout, crash)


@dataclass
class RunOutcome:
    made: dict
    loads: dict[str, dict]  # variant -> results
    errors: list[str]
    processes: int
    seconds: float


def definitions_only(source: str) -> str:
    """The module without its script part: imports, defs, classes, constants."""
    tree = ast.parse(source)
    kept = [statement for statement in tree.body if _is_definition(statement)]
    return ast.unparse(ast.Module(body=kept, type_ignores=[]))


def _is_definition(statement: ast.stmt) -> bool:
    if isinstance(statement, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        return statement.value is not None and not any(isinstance(node, ast.Call) for node in ast.walk(statement.value))
    if isinstance(statement, ast.Try):  # try: import x / except ImportError: ...
        return all(isinstance(inner, (ast.Import, ast.ImportFrom)) for inner in statement.body)
    return False


class Workspace:
    """The temporary folder every step runs and writes in."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="keras-serial-verify-"))
        self.modules = self.path / "modules"
        self.modules.mkdir()

    def add_module(self, case: Case) -> None:
        target = self.modules / f"{case.module}.py"
        if not target.exists():
            target.write_text(definitions_only(Path(case.file).read_text(encoding="utf-8")), encoding="utf-8")

    def environment(self, major: int, importable: list[str]) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "KERAS", "TF_"))}
        env.update(
            {
                "TF_CPP_MIN_LOG_LEVEL": "3",
                "PYTHONDONTWRITEBYTECODE": "1",
                "KERAS_HOME": str(self.path / ".keras"),
                "XDG_CACHE_HOME": str(self.path / ".cache"),
                "MPLCONFIGDIR": str(self.path / ".matplotlib"),
                "TMPDIR": str(self.path),
            }
        )
        if major == 2:
            env["TF_USE_LEGACY_KERAS"] = "1"
        if importable:
            env["PYTHONPATH"] = os.pathsep.join(importable)
        return env

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def run_step(workspace: Workspace, step: str, plan: dict, env: dict[str, str], timeout: float) -> StepOutcome:
    name = f"{step}-{plan.get('variant', 'make')}-{plan['major']}"
    plan_path = workspace.path / f"{name}.plan.json"
    result_path = workspace.path / f"{name}.result.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    command = [sys.executable, "-m", "flake8_keras_serial.verify.worker", step, str(plan_path), str(result_path)]
    process = subprocess.Popen(
        command,
        cwd=workspace.path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: we can kill all it started
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return StepOutcome(error=f"the {step} step timed out after {timeout:g} s")
    except BaseException:  # Ctrl-C: leave nothing running behind us
        _kill_group(process)
        raise
    try:
        results = json.loads(result_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
        return StepOutcome(error=f"the {step} step exited with {process.returncode}: {' / '.join(tail)}")
    if "crash" in results:
        crash = results["crash"]
        return StepOutcome(error=f"the {step} step failed: {crash['type']}: {crash['message']}")
    return StepOutcome(results)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def run_cases(cases: list[Case], major: int, timeout: float) -> RunOutcome:
    """make, then the three loads, each in one fresh process for all cases."""
    started = time.perf_counter()
    workspace = Workspace()
    try:
        for case in cases:
            workspace.add_module(case)
        user_dirs = sorted({str(Path(case.file).parent) for case in cases})
        importable = [str(workspace.modules), *user_dirs]
        plan = {"major": major, "cases": [case.to_json() for case in cases], "modules_dir": str(workspace.modules)}
        errors: list[str] = []
        made = run_step(workspace, "make", plan, workspace.environment(major, importable), timeout)
        if made.error:
            return RunOutcome({}, {}, [made.error], 1, time.perf_counter() - started)
        loads: dict[str, dict] = {}
        for variant in LOAD_VARIANTS:
            # "isolated" is a separate serving process: none of the user's folders is importable.
            env = workspace.environment(major, [] if variant == "isolated" else importable)
            outcome = run_step(workspace, "load", {**plan, "variant": variant, "made": made.results}, env, timeout)
            if outcome.error:
                errors.append(outcome.error)
            loads[variant] = outcome.results
        return RunOutcome(made.results, loads, errors, 1 + len(LOAD_VARIANTS), time.perf_counter() - started)
    finally:
        workspace.remove()


def run_script_cases(script: Path, major: int, timeout: float, line_of_class) -> tuple[list[Case], RunOutcome]:
    """--run-script: run the script (fit capped, saves redirected), then load what it saved."""
    started = time.perf_counter()
    workspace = Workspace()
    try:
        base = Case("", str(script.resolve()), script.stem, "", "model", 1, 1, major)
        workspace.add_module(base)
        importable = [str(workspace.modules), str(script.resolve().parent)]
        plan = {"major": major, "script": str(script.resolve()), "modules_dir": str(workspace.modules)}
        ran = run_step(workspace, "script", plan, workspace.environment(major, [str(script.resolve().parent)]), timeout)
        if ran.error:
            return [], RunOutcome({}, {}, [ran.error], 1, time.perf_counter() - started)
        errors = []
        if "script_error" in ran.results:
            error = ran.results["script_error"]
            errors.append(f"the script failed: {error['type']}: {error['message'][:300]}")
        cases: list[Case] = []
        made: dict = {}
        for entry in ran.results["saved"]:
            extension = Path(entry["original"]).suffix.lstrip(".") or "dir"
            line, end_line = line_of_class(entry["class_name"])
            cases.append(
                Case(entry["case_id"], base.file, script.stem, entry["class_name"], "model", line, end_line, major,
                     how=f"saved by the script as '{entry['original']}' (fit capped to one step)",
                     formats=[extension])
            )
            if "error" in entry:
                made[entry["case_id"]] = {"saved": {extension: {"error": entry["error"]}}}
            else:
                made[entry["case_id"]] = {"saved": {extension: {"path": entry["path"]}}, "probe": entry.get("probe")}
        plan = {"major": major, "cases": [case.to_json() for case in cases], "modules_dir": str(workspace.modules)}
        loads: dict[str, dict] = {}
        for variant in LOAD_VARIANTS:
            env = workspace.environment(major, [] if variant == "isolated" else importable)
            outcome = run_step(workspace, "load", {**plan, "variant": variant, "made": made}, env, timeout)
            if outcome.error:
                errors.append(outcome.error)
            loads[variant] = outcome.results
        return cases, RunOutcome(made, loads, errors, 1 + len(LOAD_VARIANTS), time.perf_counter() - started)
    finally:
        workspace.remove()
