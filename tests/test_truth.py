"""The truth set: small programs written the way users write them, run for real.

Each folder of tests/truth/ is one case: `train.py` builds, trains and saves a
model (with its custom code in the script or in a module next to it), and
`serve.py` loads it in another process, the way a serving script does, and
checks its predictions. `case.toml` is the case's manifest:

- `keras`: the Keras the case runs under (3, or 2 = tf_keras under
  TF_USE_LEGACY_KERAS=1); `serve_keras` when serve.py runs under the other one;
- `source`: the public issue thread the pattern comes from;
- `fails_in`: where it really fails (`"train"`, `"serve"`, or `""` when the
  model round-trips) and `error`, a piece of the exception's text;
- `expect`: the findings (`file:line:code`) a right plugin reports, and
  `advisory`: findings that by design claim no failure (KS103, KS201,
  KS304);
- `known_miss` / `known_false`: where the plugin is wrong today, the entries of
  `expect` it does not report, and the findings it reports that claim a failure
  which does not happen, with `gap` saying why.

Two chains of assertions meet in the manifest: the real run (fresh processes,
real TensorFlow) must end as `fails_in`/`error` say, so a manifest cannot drift
from Keras; and the plugin (real flake8, `--select=KS`) must report exactly
`expect` - `known_miss` + `known_false` + `advisory`, so a rule change that
closes (or opens) a gap turns the case red until the manifest says so.

Running a step of every case in a fresh process each would start TensorFlow
more than sixty times. `truth/_batch.py` runs one step of all the cases of one
Keras version in one fresh process instead, resetting between cases what a
fresh process would not have (modules, working directory, registries, session).
"""

import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import run_flake8

TRUTH = Path(__file__).parent / "truth"
BATCH = TRUTH / "_batch.py"
CASES = sorted(path.name for path in TRUTH.iterdir() if (path / "case.toml").is_file())
STEPS = ("train", "serve")
# One step of every case of one Keras version: about 25 s on two free cores.
BATCH_TIMEOUT = 600
GAP_KEYS = ("known_miss", "known_false")
# The codes whose findings are advice: they claim no load failure.
ADVISORY_CODES = {"KS103", "KS201", "KS304"}
# file:line:code; a code written KS1?? / KS3?? is a failure no rule covers yet
# (the right finding's line, its code still to be assigned), always a known miss.
FINDING = re.compile(r"[\w/]+\.py:\d+:KS(\d{3}|\d\?\?)")


def manifest(case: str) -> dict:
    return tomllib.loads((TRUTH / case / "case.toml").read_text())


def keras_of(case: str, step: str) -> int:
    data = manifest(case)
    return data.get("serve_keras", data["keras"]) if step == "serve" else data["keras"]


@dataclass(frozen=True)
class Run:
    fails_in: str  # "train", "serve", or "" when both scripts succeeded
    error: str  # the exception that ended the failing script
    output: str  # what the scripts printed, to read when an assertion fails


def script_env(keras_version: int, workdir: Path) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0", "CUDA_VISIBLE_DEVICES": ""}
    # Keras's own files go into the run's folder, never into the user's home.
    env["KERAS_HOME"] = str(workdir / ".keras-home")
    env.pop("TF_USE_LEGACY_KERAS", None)
    if keras_version == 2:
        env["TF_USE_LEGACY_KERAS"] = "1"
    return env


def run_batch(step: str, keras_version: int, folders: list[Path], workdir: Path) -> dict:
    """One fresh Python process runs `step`.py of every folder; returns each case's result."""
    if not folders:
        return {}
    results = workdir / f"{step}-keras{keras_version}.json"
    completed = subprocess.run(
        [sys.executable, str(BATCH), step, str(results), *map(str, folders)],
        env=script_env(keras_version, workdir),
        capture_output=True,
        text=True,
        timeout=BATCH_TIMEOUT,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(results.read_text())


def run_step_for_all(step: str, cases: list[str], workdir: Path) -> dict:
    """The step of every case, one process per Keras version, both versions at once."""
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = [
            pool.submit(
                run_batch, step, version, [workdir / case for case in cases if keras_of(case, step) == version], workdir
            )
            for version in (2, 3)
        ]
        return {case: result for future in futures for case, result in future.result().items()}


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory) -> dict[str, Run]:
    workdir = tmp_path_factory.mktemp("truth-runs")
    for case in CASES:
        shutil.copytree(TRUTH / case, workdir / case)
    runs, still_running, outputs = {}, list(CASES), {case: "" for case in CASES}
    for step in STEPS:
        results = run_step_for_all(step, still_running, workdir)
        for case, result in results.items():
            outputs[case] += f"--- {step}.py\n{result['output']}"
            if result["failed"]:
                runs[case] = Run(step, result["error"], outputs[case])
        still_running = [case for case in still_running if case not in runs]
    runs.update({case: Run("", "", outputs[case]) for case in still_running})
    return runs


def plugin_findings(case: str, tmp_path: Path) -> list[str]:
    """Real flake8 on the case folder, linted as a project of its own."""
    project = tmp_path / case
    shutil.copytree(TRUTH / case, project)
    (project / "pyproject.toml").write_text("")
    result = run_flake8(
        "--isolated",
        "--select=KS",
        f"--keras-version={manifest(case)['keras']}",
        "--format=%(path)s:%(row)d:%(code)s",
        ".",
        cwd=project,
    )
    assert result.stderr == ""
    return sorted(line.removeprefix("./") for line in result.stdout.splitlines())


def plugin_today(data: dict) -> list[str]:
    """What the plugin must report now: the truth, minus its known misses, plus its known false alarms."""
    truth = set(data["expect"]) - set(data.get("known_miss", []))
    return sorted(truth | set(data.get("known_false", [])) | set(data.get("advisory", [])))


@pytest.mark.parametrize("case", CASES)
def test_manifest_is_complete(case):
    data = manifest(case)
    assert data["keras"] in (2, 3) and data.get("serve_keras", 3) in (2, 3)
    assert data["fails_in"] in ("", *STEPS)
    assert bool(data["error"]) == bool(data["fails_in"])
    assert data["source"].startswith("https://github.com/")
    assert (TRUTH / case / "train.py").is_file() and (TRUTH / case / "serve.py").is_file()
    # What really fails must be predicted somewhere; what round-trips, nowhere.
    assert bool(data["expect"]) == bool(data["fails_in"])
    # A known gap names entries of the truth (a miss) or outside it (a false alarm), and says why.
    assert set(data.get("known_miss", [])) <= set(data["expect"])
    assert not set(data.get("known_false", [])) & set(data["expect"] + data.get("advisory", []))
    assert bool(data.get("gap")) == any(data.get(key) for key in GAP_KEYS)
    findings = data["expect"] + data.get("advisory", []) + data.get("known_false", [])
    assert {finding.rsplit(":", 1)[1] for finding in data.get("advisory", [])} <= ADVISORY_CODES
    assert all(FINDING.fullmatch(finding) for finding in findings)
    assert all(finding in data.get("known_miss", []) for finding in data["expect"] if "?" in finding)
    assert set(data) <= {"keras", "serve_keras", "source", "fails_in", "error", "expect", "advisory", "gap", *GAP_KEYS}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_real_run_ends_as_the_manifest_says(case, real_runs):
    data = manifest(case)
    run = real_runs[case]
    assert run.fails_in == data["fails_in"], run.output
    assert data["error"] in run.error, run.output


@pytest.mark.parametrize("case", CASES)
def test_plugin_reports_what_really_fails(case, tmp_path):
    assert plugin_findings(case, tmp_path) == plugin_today(manifest(case))


def known_gaps_in_manifests() -> set[tuple[str, str, str, str]]:
    gaps = set()
    for case in CASES:
        data = manifest(case)
        for kind, key in (("miss", "known_miss"), ("false alarm", "known_false")):
            for finding in data.get(key, []):
                place, code = finding.rsplit(":", 1)
                gaps.add((code, kind, case, place))
    return gaps


def test_readme_lists_exactly_the_known_gaps():
    rows = set()
    for line in (TRUTH / "README.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| KS") and len(cells) == 4:
            rows.add(tuple(cells))
    assert rows == known_gaps_in_manifests()
