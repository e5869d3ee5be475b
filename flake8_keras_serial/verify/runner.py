"""Run the verifier's steps in fresh subprocesses, safely.

Each step is one `python -m flake8_keras_serial.verify.worker` process in a
new temporary folder, with a timeout, in its own process group (killed whole
on timeout or Ctrl-C), with every cache and home folder Keras might write to
pointed inside the temporary folder. The user's file is never imported as
is: a copy holding only its imports, functions, classes and constants is
written to the temporary folder, so the script's training and saving code
does not run. A cancelled run (Ctrl-C, or SIGTERM from a cancelled CI job)
kills every step's process group and removes the folder.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
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
    stderr: str = ""


@dataclass
class RunOutcome:
    made: dict
    loads: dict[str, dict]  # variant -> results
    errors: list[str]
    processes: int
    seconds: float
    steps: dict[str, str | None] = field(default_factory=dict)  # step -> its error, None when it ran
    script_error: str | None = None  # --run-script: how the script itself failed
    synthetic: list[str] = field(default_factory=list)  # --run-script: data-set loaders given synthetic data


def definitions_only(source: str) -> str:
    """The module without its script part: imports, defs, classes, and the
    constants whose values need only names the copy still defines (an
    `input_dim = x_train.shape[1]` goes when `x_train` is script data)."""
    tree = ast.parse(source)
    defined = set(dir(builtins)) | {"__file__", "__name__", "__doc__"}
    kept = []
    for statement in tree.body:
        if not _is_definition(statement):
            continue
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and not _names_read(statement.value) <= defined:
            continue
        kept.append(statement)
        defined |= _names_bound(statement)
    return ast.unparse(ast.Module(body=kept, type_ignores=[]))


def _names_read(node: ast.AST) -> set[str]:
    return {item.id for item in ast.walk(node) if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Load)}


def _names_bound(statement: ast.stmt) -> set[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    return {item.id for item in ast.walk(statement) if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Store)}


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
        """The definitions copy the workers import, one per module name."""
        target = self.modules / f"{case.module}.py"
        if not target.exists():
            target.write_text(definitions_only(Path(case.file).read_text(encoding="utf-8")), encoding="utf-8")
        case.module_path = str(target)

    def environment(self, major: int, importable: list[str]) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "KERAS", "TF_"))}
        env.update(
            {
                "TF_CPP_MIN_LOG_LEVEL": "3",
                "PYTHONDONTWRITEBYTECODE": "1",
                "KERAS_HOME": str(self.path / ".keras"),
                "XDG_CACHE_HOME": str(self.path / ".cache"),
                "MPLCONFIGDIR": str(self.path / ".matplotlib"),
                "MPLBACKEND": "Agg",
                "TMPDIR": str(self.path),
            }
        )
        if major == 2:
            env["TF_USE_LEGACY_KERAS"] = "1"
        if importable:
            env["PYTHONPATH"] = os.pathsep.join(importable)
        return env

    def share_dataset_cache(self) -> None:
        """Data sets Keras already downloaded (~/.keras/datasets) stay readable:
        each entry is linked into our own cache folder, so a download that
        still happens lands here, not in the user's cache."""
        user_cache = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras") / "datasets"
        ours = self.path / ".keras" / "datasets"
        ours.mkdir(parents=True, exist_ok=True)
        if not user_cache.is_dir():
            return
        for entry in user_cache.iterdir():
            try:
                (ours / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
            except OSError:
                pass

    def mirror(self, folder: Path, name: str = "run") -> Path:
        """A copy of the script's folder to run it in: relative reads find the
        user's files, and every write lands here. Small files are copied (a
        script may overwrite its logs), big ones and deep trees linked."""
        target = self.path / name
        budget = [MIRROR_ENTRIES]
        _mirror_tree(folder, target, budget)
        return target

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


MIRROR_ENTRIES = 5000  # files and folders copied or linked before whole folders are linked instead
SMALL_FILE = 1 << 20
_SKIPPED_FOLDERS = {".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".tox", "node_modules"}


def _mirror_tree(source: Path, target: Path, budget: list[int]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    try:
        entries = sorted(source.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name in _SKIPPED_FOLDERS:
            continue
        budget[0] -= 1
        destination = target / entry.name
        try:
            if entry.is_dir() and not entry.is_symlink() and budget[0] > 0:
                _mirror_tree(entry, destination, budget)
            elif entry.is_file() and entry.stat().st_size <= SMALL_FILE:
                shutil.copy2(entry, destination)
            else:
                destination.symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
        except OSError:
            continue


class Cancelled(Exception):
    """SIGTERM arrived: unwind like Ctrl-C, so every process group is killed
    and every temporary folder removed on the way out."""


def _on_sigterm(signum, frame) -> None:  # noqa: ARG001 - the signal module's signature
    raise Cancelled


def cancel_on_sigterm() -> None:
    signal.signal(signal.SIGTERM, _on_sigterm)


def run_step(workspace: Workspace, step: str, plan: dict, env: dict[str, str], timeout: float) -> StepOutcome:
    name = f"{step}{plan.get('case_prefix', '')}-{plan.get('variant', 'make')}-{plan['major']}"
    plan_path = workspace.path / f"{name}.plan.json"
    result_path = workspace.path / f"{name}.result.json"
    plan_path.write_text(json.dumps({**plan, "workspace": str(workspace.path)}), encoding="utf-8")
    command = [sys.executable, "-m", "flake8_keras_serial.verify.worker", step, str(plan_path), str(result_path)]
    # The worker must be this very copy of the package, after the user's folders.
    importable = [folder for folder in env.get("PYTHONPATH", "").split(os.pathsep) if folder]
    env = {**env, "PYTHONPATH": os.pathsep.join([*importable, _package_root()])}
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
    except BaseException:  # Ctrl-C or SIGTERM: leave nothing running behind us
        _kill_group(process)
        raise
    _kill_group(process)  # what the step left running (a data loader's helper) goes too
    text = stderr.decode(errors="replace")
    try:
        results = json.loads(result_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        tail = [line for line in text.strip().splitlines() if not _TF_LOG_LINE.match(line)][-3:]
        said = f": {' / '.join(tail)}" if tail else ""
        return StepOutcome(error=f"the {step} step exited with {process.returncode}{said}", stderr=text)
    if "crash" in results:
        crash = results["crash"]
        return StepOutcome(error=f"the {step} step failed: {crash['type']}: {crash['message']}", stderr=text)
    return StepOutcome(results, stderr=text)


# TensorFlow's start-up chatter on stderr, which says nothing about the failure.
_TF_LOG_LINE = re.compile(r"^([IWEF]\d{4} |WARNING: All log messages before absl|To enable the following instructions)")


def _package_root() -> str:
    """The folder holding this package, so the worker imports this very copy."""
    return str(Path(__file__).resolve().parent.parent.parent)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _load_steps(
    workspace: Workspace, plan: dict, major: int, importable: list[str], timeout: float, outcome: RunOutcome
) -> None:
    """The three loads, each one fresh process for every case."""
    for variant in LOAD_VARIANTS:
        # "isolated" is a separate serving process: none of the user's folders is importable.
        env = workspace.environment(major, [] if variant == "isolated" else importable)
        step = run_step(workspace, "load", {**plan, "variant": variant, "made": outcome.made}, env, timeout)
        outcome.processes += 1
        outcome.steps[variant] = step.error
        if step.error:
            outcome.errors.append(f"{step.error} (load: {variant})")
        outcome.loads[variant] = step.results


def run_cases(cases: list[Case], major: int, timeout: float) -> RunOutcome:
    """make, then the three loads, each in one fresh process for all cases."""
    started = time.perf_counter()
    workspace = Workspace()
    outcome = RunOutcome({}, {}, [], 0, 0.0)
    try:
        for case in cases:
            workspace.add_module(case)
        importable = _importable(workspace, cases)
        plan = {"major": major, "cases": [case.to_json() for case in cases]}
        made = run_step(workspace, "make", plan, workspace.environment(major, importable), timeout)
        outcome.processes += 1
        outcome.steps["make"] = made.error
        outcome.made = made.results
        if made.error:
            outcome.errors.append(made.error)
        elif any(saved for result in made.results.values() for saved in result.get("saved", {}).values()):
            _load_steps(workspace, plan, major, importable, timeout, outcome)
        return outcome
    finally:
        outcome.seconds = time.perf_counter() - started
        workspace.remove()


def _importable(workspace: Workspace, cases: list[Case]) -> list[str]:
    """The copies first (a sibling's `import train` gets the copy, not the script),
    then the users' folders and package roots."""
    folders = [str(workspace.modules)]
    for case in cases:
        for folder in (case.package_root, str(Path(case.file).parent)):
            if folder and folder not in folders:
                folders.append(folder)
    return folders


def script_major(source: str, project_major: int) -> int:
    """A script that imports tf_keras runs under Keras 2 (TF_USE_LEGACY_KERAS=1)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return project_major
    for node in ast.walk(tree):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        if any(name == "tf_keras" or name.startswith("tf_keras.") for name in names):
            return 2
    return project_major


@dataclass
class ScriptRun:
    """One script of a --run-script run: what it saved, and how it went."""

    path: Path
    cases: list[Case] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    synthetic: list[str] = field(default_factory=list)
    failed_before_saving: bool = False


def run_script_cases(scripts: list[tuple[Path, str, int]], timeout: float, line_of_class, script_args: list[str]):
    """--run-script: run each script in a copy of its folder (fit capped, saves
    redirected; one process per script, since a script changes its process),
    then load what all of them saved: three fresh processes per Keras version,
    whatever the number of scripts. Returns the ScriptRuns and the RunOutcome
    of each Keras version."""
    workspace = Workspace()
    workspace.share_dataset_cache()
    runs: list[ScriptRun] = []
    outcomes: dict[int, RunOutcome] = {}
    started = time.perf_counter()
    try:
        for index, (script, module, major) in enumerate(scripts):
            outcome = outcomes.setdefault(major, RunOutcome({}, {}, [], 0, 0.0, steps={"script": None}))
            runs.append(_run_one_script(workspace, index, script, module, major, timeout, line_of_class, script_args,
                                        outcome))
        for major, outcome in outcomes.items():
            cases = [case for run in runs for case in run.cases if case.major == major]
            if any("path" in saved for case in cases for saved in outcome.made[case.case_id]["saved"].values()):
                plan = {"major": major, "cases": [case.to_json() for case in cases]}
                folders = sorted({str(Path(case.file).parent) for case in cases})
                _load_steps(workspace, plan, major, [str(workspace.modules), *folders], timeout, outcome)
        return runs, outcomes
    finally:
        elapsed = time.perf_counter() - started
        for outcome in outcomes.values():
            outcome.seconds = elapsed / len(outcomes)
        workspace.remove()


def _run_one_script(workspace, index, script, module, major, timeout, line_of_class, script_args, outcome) -> ScriptRun:
    run = ScriptRun(script)
    base = Case("", str(script.resolve()), module, "", "model", 1, 1, major)
    workspace.add_module(base)
    folder = script.resolve().parent
    mirror = workspace.mirror(folder, f"run{index}")
    plan = {"major": major, "script": str(mirror / script.name), "script_args": script_args,
            "case_prefix": f"p{index}s"}
    ran = run_step(workspace, "script", plan, workspace.environment(major, [str(folder)]), timeout)
    outcome.processes += 1
    if ran.error:
        run.errors.append(ran.error)
        run.failed_before_saving = True
        return run
    run.synthetic = sorted(set(ran.results.get("synthetic", [])))
    if "script_error" in ran.results:
        error = ran.results["script_error"]
        run.errors.append(f"the script failed: {error['type']}: {error['message'][:300]}")
    for entry in ran.results["saved"]:
        extension = Path(entry["original"].rstrip("/\\")).suffix.lstrip(".") or "dir"
        line, end_line = line_of_class(script, entry["class_name"])
        run.cases.append(Case(
            entry["case_id"], base.file, module, entry["class_name"], "model", line, end_line, major,
            how=f"saved by the script as '{entry['original']}' (fit capped to one step)",
            formats=[extension], module_path=base.module_path, subclassed=entry["subclassed"],
        ))
        made = {key: entry[key] for key in ("probe", "random", "probe_error", "probe_from", "contains") if key in entry}
        made["saved"] = {extension: {"error": entry["error"]} if "error" in entry else {"path": entry["path"]}}
        outcome.made[entry["case_id"]] = made
    run.failed_before_saving = bool(run.errors) and not run.cases
    return run
