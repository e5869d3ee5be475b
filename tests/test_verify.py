"""The verifier with real TensorFlow (CPU): one run over the classic
mistakes, batched into one process per step, must confirm each with its
code, pass the correct class, and write nothing into the user's folder."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli

CASES = Path(__file__).parent / "verify_cases"
REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    folder = tmp_path_factory.mktemp("user_project")
    shutil.copy(CASES / "mistakes.py", folder / "mistakes.py")
    (folder / "pyproject.toml").write_text("")
    result = run_cli("verify", "--keras-version=3", "--format=json", "mistakes.py", cwd=folder)
    return folder, result


def by_class(result) -> dict:
    return {item["class_name"]: item for item in json.loads(result.stdout)["classes"]}


def test_exit_code_and_batching(verified):
    _, result = verified
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["errors"] == []
    assert data["processes"] == 4  # make + three loads, every class in the same processes
    assert data["untested"] == []


@pytest.mark.parametrize(
    ("name", "code", "where"),
    [
        ("Wrapper", "KS101", "from_config(get_config())"),
        ("NoKwargs", "KS104", "from_config(get_config())"),
        ("Unregistered", "KS105", "load after importing the module, without custom_objects (.keras)"),
        ("RawVariable", "KS202", "load with the module's classes in custom_objects (.keras)"),
        ("MissingDefault", "KS102", "load with the module's classes in custom_objects (.keras)"),
        ("Net", "KS302", "load with the module's classes in custom_objects (.h5)"),
    ],
)
def test_each_mistake_is_confirmed_with_its_code(verified, name, code, where):
    report = by_class(verified[1])[name]
    assert report["tested"] is True
    assert code in [finding["code"] for finding in report["runtime"]]
    finding = next(finding for finding in report["runtime"] if finding["code"] == code)
    assert finding["where"] == where
    assert report["static"][code] == "confirmed"


def test_error_messages_are_keras_own(verified):
    reports = by_class(verified[1])
    wrapper = next(f for f in reports["Wrapper"]["runtime"] if f["code"] == "KS101")
    assert wrapper["error"].startswith("NotImplementedError: ")
    no_kwargs = next(f for f in reports["NoKwargs"]["runtime"] if f["code"] == "KS104")
    assert "unexpected keyword argument 'trainable'" in no_kwargs["error"]
    unregistered = next(f for f in reports["Unregistered"]["runtime"] if f["code"] == "KS105")
    assert "Could not locate class 'Unregistered'" in unregistered["error"]
    raw = next(f for f in reports["RawVariable"]["runtime"] if f["code"] == "KS202")
    assert raw["error"] == "loads without error but gives different outputs"


def test_the_correct_class_round_trips_but_needs_its_module_to_load(verified):
    correct = by_class(verified[1])["Correct"]
    assert (correct["tested"], correct["runtime"], correct["static"]) == (True, [], {})
    assert correct["serving"].startswith(
        "a process that does not import mistakes cannot load the .keras file (KS301 at such load calls): "
        "TypeError: Could not locate class 'Correct'."
    )


def test_the_users_folder_is_untouched(verified):
    folder, _ = verified
    assert sorted(path.name for path in folder.iterdir()) == ["mistakes.py", "pyproject.toml"]


def test_text_output(tmp_path):
    shutil.copy(CASES / "mistakes.py", tmp_path / "mistakes.py")
    result = run_cli("verify", "--keras-version=3", "mistakes.py", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("7 classes verified in 4 fresh processes (")
    assert lines[-1].endswith("): 6 failing, 1 round-trip, 0 not tested")
    assert any(line.startswith("    KS104 confirmed: from_config(get_config()): TypeError: ") for line in lines)


def test_without_tensorflow_it_says_the_extra_is_needed(tmp_path):
    """A Python that cannot import TensorFlow: -S leaves site-packages out."""
    shutil.copy(CASES / "mistakes.py", tmp_path / "mistakes.py")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-S", "-m", "flake8_keras_serial.cli", "verify", "--keras-version=3", "mistakes.py"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "keras-serial verify needs TensorFlow, which is not installed here: "
        'pip install "tensorflow>=2.16" (what the [verify] extra of flake8-keras-serial installs)'
    )
    assert result.stdout == ""


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("verify", "missing.py", cwd=tmp_path).returncode == 2


def test_a_correct_model_passes_with_exit_0(tmp_path):
    source = (CASES / "mistakes.py").read_text()
    correct = source[source.index('@keras.saving.register_keras_serializable(package="cases")\nclass Correct'):]
    correct = correct[: correct.index("wrapped = ")]
    (tmp_path / "good.py").write_text("import keras\n\n\n" + correct + "layer = Correct(3)\n")
    result = run_cli("verify", "--keras-version=3", "good.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "    round-trips: saved, loaded in fresh processes, same outputs" in result.stdout.splitlines()


def test_timeout_leaves_no_process_and_no_files(tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    shutil.copy(CASES / "mistakes.py", user / "mistakes.py")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = run_cli(
        "verify", "--keras-version=3", "--timeout=0.5", "--format=json", "mistakes.py",
        cwd=user, env={"TMPDIR": str(scratch)},
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["errors"] == ["the make step timed out after 0.5 s"]
    leftover = subprocess.run(["pgrep", "-f", "flake8_keras_serial.verify.worker"], capture_output=True, text=True)
    assert leftover.stdout == ""
    assert list(scratch.iterdir()) == []
    assert sorted(path.name for path in user.iterdir()) == ["mistakes.py"]


def test_run_script_redirects_every_save_into_the_temporary_folder(tmp_path):
    shutil.copy(CASES / "mistakes.py", tmp_path / "mistakes.py")
    result = run_cli("verify", "--keras-version=3", "--run-script", "--format=json", "mistakes.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["errors"] == []
    reports = {report["how"]: report for report in data["classes"]}
    assert sorted(reports) == [
        "saved by the script as 'model.keras' (fit capped to one step)",
        "saved by the script as 'net.h5' (fit capped to one step)",
    ]
    functional = reports["saved by the script as 'model.keras' (fit capped to one step)"]
    assert (functional["class_name"], functional["runtime"]) == ("Functional", [])
    net = reports["saved by the script as 'net.h5' (fit capped to one step)"]
    assert [finding["code"] for finding in net["runtime"]] == ["KS302"]
    assert net["static"] == {"KS302": "confirmed"}
    # The script saved model.keras, net.h5 and script_ran.npy: none of them here.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mistakes.py"]


def test_a_layer_its_owner_rebuilds_is_tested_through_the_owner(tmp_path):
    shutil.copy(CASES / "owner_rebuilds.py", tmp_path / "owner_rebuilds.py")
    (tmp_path / "pyproject.toml").write_text("")
    assert run_cli("check", "--keras-version=3", "owner_rebuilds.py", cwd=tmp_path).stdout == ""
    result = run_cli("verify", "--keras-version=3", "--format=json", "owner_rebuilds.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    (net,) = data["classes"]
    assert (net["class_name"], net["tested"], net["runtime"]) == ("Net", True, [])
    assert [(item["class_name"], item["reason"]) for item in data["untested"]] == [
        ("Block", "built by Net's constructor, which builds it again on load: tested through it")
    ]


def test_keras_2_files_are_verified_under_tf_keras(tmp_path):
    """--keras-version=2: the worker runs with TF_USE_LEGACY_KERAS=1 and tf_keras, and the
    failures carry Keras 2's own errors."""
    shutil.copy(CASES / "keras2_mistakes.py", tmp_path / "keras2_mistakes.py")
    (tmp_path / "pyproject.toml").write_text("")
    result = run_cli("verify", "--keras-version=2", "--format=json", "keras2_mistakes.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    reports = by_class(result)
    assert [(f["code"], f["where"], f["error"]) for f in reports["Unregistered"]["runtime"]] == [
        ("KS105", "load after importing the module, without custom_objects (.keras)",
         "TypeError: 'str' object is not callable")
    ]
    assert [(f["code"], f["where"]) for f in reports["NoKwargs"]["runtime"]] == [
        ("KS104", "from_config(get_config())")
    ]
    assert "unexpected keyword argument 'name'" in reports["NoKwargs"]["runtime"][0]["error"]
    assert reports["Unregistered"]["static"] == {"KS105": "confirmed"}
    assert reports["NoKwargs"]["static"] == {"KS104": "confirmed"}
    assert (reports["Correct"]["tested"], reports["Correct"]["runtime"]) == (True, [])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["keras2_mistakes.py", "pyproject.toml"]
