"""The truth set: small programs written the way users write them, run for real.

Each folder of tests/truth/ is one case: `train.py` builds, trains and saves a
model (with its custom code in the script or in a `layers.py` next to it),
`serve.py` loads it in another process, the way a serving script does, and
checks its predictions. `case.toml` says which Keras the case runs under, where
it really fails (`fails_in = "train"`, `"serve"`, or `""` when the model
round-trips), a piece of the exception's text (`error`), and the findings the plugin
must report for it (`expect`, as `file:line:code`).

Two chains of assertions meet in the manifest:

- the real run (fresh processes, real TensorFlow) must end as the manifest
  says, so a manifest cannot claim a failure that does not happen;
- the plugin (real flake8, `--select=KS`) must report exactly `expect`, plus
  the `advisory` findings that by design claim no failure (KS201, KS304).

Where the plugin today misses a real failure or fires on a working program,
the case says so with `known_miss` / `known_false_alarm` (the reason) and
`plugin_today` (what the plugin reports now), and the test asserts exactly
that: when a rule is fixed the test fails, and the manifest must be updated.
"""

import concurrent.futures
import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import run_flake8

TRUTH = Path(__file__).parent / "truth"
CASES = sorted(path.name for path in TRUTH.iterdir() if (path / "case.toml").is_file())
STEP_TIMEOUT = 240
# Two cases at a time: each step is one TensorFlow start in a fresh process.
PARALLEL = 2


def manifest(case: str) -> dict:
    return tomllib.loads((TRUTH / case / "case.toml").read_text())


@dataclass(frozen=True)
class Run:
    fails_in: str  # "train", "serve", or "" when both scripts succeeded
    error: str  # the exception that ended the failing script
    output: str  # that script's stderr, to read when an assertion fails


def exception_text(stderr: str) -> str:
    """The exception that ended the script: `Type: message` and the lines after it.

    Keras 3 nests the cause in the message ("Exception encountered: ..."), so
    the whole text is kept; its last line is usually the cause.
    """
    tail = stderr.rsplit("Traceback (most recent call last):", 1)[-1]
    lines = [line for line in tail.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if not line.startswith((" ", "\t")):
            return "\n".join(lines[index:])
    return "\n".join(lines[-1:])


def script_env(keras_version: int) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0", "CUDA_VISIBLE_DEVICES": ""}
    # Keras's own files go into the case folder, never into the user's home.
    env.pop("TF_USE_LEGACY_KERAS", None)
    if keras_version == 2:
        env["TF_USE_LEGACY_KERAS"] = "1"
    return env


def run_case(case: str, workdir: Path) -> Run:
    """train.py, then serve.py, each in a fresh Python process in a copy of the case."""
    folder = workdir / case
    shutil.copytree(TRUTH / case, folder)
    env = script_env(manifest(case)["keras"])
    env["KERAS_HOME"] = str(folder / ".keras-home")
    for step in ("train", "serve"):
        result = subprocess.run(
            [sys.executable, f"{step}.py"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
        )
        if result.returncode != 0:
            return Run(step, exception_text(result.stderr), result.stderr[-3000:])
    return Run("", "", "")


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory) -> dict[str, Run]:
    workdir = tmp_path_factory.mktemp("truth-runs")
    with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
        futures = {case: pool.submit(run_case, case, workdir) for case in CASES}
        return {case: future.result() for case, future in futures.items()}


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


@pytest.mark.parametrize("case", CASES)
def test_manifest_is_complete(case):
    data = manifest(case)
    assert data["keras"] in (2, 3)
    assert data["fails_in"] in ("train", "serve", "")
    assert bool(data["error"]) == bool(data["fails_in"])
    assert data["source"].startswith("https://github.com/")
    assert (TRUTH / case / "train.py").is_file() and (TRUTH / case / "serve.py").is_file()
    known = [key for key in ("known_miss", "known_false_alarm") if key in data]
    # plugin_today is only for a case whose known gap is written down, and differs from expect.
    assert ("plugin_today" in data) == bool(known)
    if known:
        assert sorted(data["plugin_today"]) != sorted(data["expect"] + data.get("advisory", []))
    # What really fails must be predicted somewhere; what round-trips, nowhere.
    assert bool(data["expect"]) == bool(data["fails_in"])


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_real_run_ends_as_the_manifest_says(case, real_runs):
    data = manifest(case)
    run = real_runs[case]
    assert run.fails_in == data["fails_in"], run.output
    assert data["error"] in run.error, run.output


@pytest.mark.parametrize("case", CASES)
def test_plugin_reports_what_really_fails(case, tmp_path):
    data = manifest(case)
    found = plugin_findings(case, tmp_path)
    if "plugin_today" in data:
        # A known gap: the plugin's current answer is pinned, so that a fix shows up here.
        assert found == sorted(data["plugin_today"])
    else:
        assert found == sorted(data["expect"] + data.get("advisory", []))
