"""The verifier with real TensorFlow (CPU): one run over the classic
mistakes, batched into one process per step, must confirm each with its
code, pass the correct class, and write nothing into the user's folder."""

import json
import os
import shutil
import subprocess
import sys
import uuid
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
    assert "KS302 confirmed: load with the module's classes in custom_objects (.h5): ValueError: Layer count mismatch" \
        in result.stdout
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


def processes_marked(marker: str) -> list[str]:
    """Processes of this test's own run: they inherit the marker in their environment
    (a machine-wide pgrep would see other verifiers that happen to run)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"VERIFY_TEST_RUN={marker}".encode() in environ.read_bytes().split(b"\0"):
                found.append(environ.parent.name)
        except OSError:
            continue
    return found


def test_timeout_leaves_no_process_and_no_files(tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    shutil.copy(CASES / "mistakes.py", user / "mistakes.py")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    marker = uuid.uuid4().hex
    result = run_cli(
        "verify", "--keras-version=3", "--timeout=0.5", "mistakes.py",
        cwd=user, env={"TMPDIR": str(scratch), "VERIFY_TEST_RUN": marker},
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    # Nothing ran: no class passes, none is refuted.
    assert lines.count("    not tested: the make step timed out after 0.5 s") == 7
    assert "error: the make step timed out after 0.5 s" in lines
    assert not any("round-trips" in line or "refuted" in line for line in lines)
    assert lines[-1].startswith("7 classes verified in 1 fresh processes (")
    assert lines[-1].endswith("): 0 failing, 0 round-trip, 7 not tested")
    assert processes_marked(marker) == []
    assert list(scratch.iterdir()) == []
    assert sorted(path.name for path in user.iterdir()) == ["mistakes.py"]


def test_classes_that_were_not_saved_loaded_and_compared_are_not_tested(tmp_path):
    """One run over a folder: two train.py of different folders, a package module
    with a relative import, a class that cannot be built, one random by design,
    one whose default needs a script name the definitions copy drops."""
    shutil.copytree(CASES / "truth", tmp_path / "project")
    project = tmp_path / "project"
    (project / "pyproject.toml").write_text(
        '[tool.keras-serial.verify.Block]\ninput_shape = [5]\n\n'
        '[tool.keras-serial.verify."tokens.Block"]\nargs = [50]\ninput_shape = [6]\n'
    )
    result = run_cli("verify", "--keras-version=3", ".", cwd=project)
    assert result.returncode == 3, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    verdicts = {}
    for index, line in enumerate(lines):
        if line.startswith(str(project)):
            where = line.split(":")[0][len(str(project)) + 1:]
            verdicts[(where, line.split()[1])] = lines[index + 1]
    round_trip = "    round-trips: saved, loaded in fresh processes, same outputs"
    assert verdicts == {
        ("a/train.py", "Block"): round_trip,
        ("b/train.py", "Block"): round_trip,  # built from its own module, not a/train.py's
        ("pkg/model.py", "Net"): round_trip,  # `from .blocks import Shift` works
        ("not_tested.py", "Fine"): round_trip,  # the module's failed statements left the rest usable
        ("weights_only.py", "Tower"): round_trip,  # `.weights.h5` is no HDF5 model save: no KS302
        ("tokens.py", "Block"): round_trip,  # token ids below the vocabulary as its probe
        # Arguments a careful reader finds: constants, arithmetic, a list, a helper's defaults.
        ("keras_io_style.py", "MLPBlock"): round_trip,
        ("keras_io_style.py", "SelfAttention"): round_trip,
        ("not_tested.py", "Refuses"): "    not tested: could not build it: RuntimeError: no GPU here",
        ("not_tested.py", "AlwaysDropout"): "    not tested: outputs cannot be compared: two calls before saving "
        "already differ (random by design, such as noise or dropout that is always on)",
        ("not_tested.py", "SizedByData"): "    not tested: could not build it: ModuleImportError: defining "
        "SizedByData failed when its module was imported: NameError: name 'input_dim' is not defined",
    }
    assert "pkg/blocks.py:5:1: Shift: built by Net's constructor, which builds it again on load: tested through it" \
        in lines
    # `module.Class` tables: tokens.Block has its own, the two train.Block the bare one.
    assert f"{project}/tokens.py:7:1: Block (arguments from pyproject.toml; input shape from pyproject.toml)" in lines
    assert f"{project}/a/train.py:6:1: Block (arguments from the call on line 11; input shape from pyproject.toml)" \
        in lines
    assert f"{project}/keras_io_style.py:15:1: MLPBlock (arguments from the call on line 49; " \
        "input shape from the call on line 49)" in lines
    assert lines[-1].startswith("11 classes verified in 4 fresh processes (")
    assert lines[-1].endswith("): 0 failing, 8 round-trip, 3 not tested")
    assert result.stderr.strip().splitlines()[-1] == (
        "keras-serial verify: 3 of 11 classes not tested (exit status 3; --allow-untested accepts that)"
    )


def test_untested_classes_exit_3_unless_allowed(tmp_path):
    (tmp_path / "needs_args.py").write_text(
        "import keras\n\n\nclass Proj(keras.layers.Layer):\n    def __init__(self, units, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.units = units\n"
    )
    (tmp_path / "pyproject.toml").write_text("")
    result = run_cli("verify", "--keras-version=3", "needs_args.py", cwd=tmp_path)
    assert result.returncode == 3
    assert result.stdout.splitlines() == [
        "needs_args.py:4:1: Proj not tested: no call in the file gives 'units' a value; "
        "set it in [tool.keras-serial.verify.Proj] in pyproject.toml",
        "1 classes verified in 0 fresh processes (0.0 s): 0 failing, 0 round-trip, 1 not tested",
    ]
    allowed = run_cli("verify", "--keras-version=3", "--allow-untested", "needs_args.py", cwd=tmp_path)
    assert allowed.returncode == 0
    assert allowed.stdout == result.stdout


def test_a_crashed_load_step_passes_nothing(tmp_path):
    shutil.copy(CASES / "crash_on_load.py", tmp_path / "crash_on_load.py")
    (tmp_path / "pyproject.toml").write_text("")
    result = run_cli("verify", "--keras-version=3", "crash_on_load.py", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "    not tested: the load step exited with 9"
    assert "error: the load step exited with 9 (load: imported)" in lines
    assert "error: the load step exited with 9 (load: custom_objects)" in lines
    assert lines[-1].endswith("): 0 failing, 0 round-trip, 1 not tested")


def test_run_script_redirects_every_save_into_the_temporary_folder(tmp_path):
    """Two scripts of one name in two folders: one process each, then the three loads
    once for both (5 processes, not 8), each model loaded with its own script's classes."""
    shutil.copy(CASES / "mistakes.py", tmp_path / "mistakes.py")
    (tmp_path / "again").mkdir()
    shutil.copy(CASES / "mistakes.py", tmp_path / "again" / "mistakes.py")
    result = run_cli(
        "verify", "--keras-version=3", "--run-script", "--format=json", "mistakes.py", "again/mistakes.py",
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["errors"] == []
    assert data["processes"] == 5
    assert data["totals"] == {"classes": 4, "failing": 2, "round-trip": 2, "not tested": 0}
    for script in (tmp_path / "mistakes.py", tmp_path / "again" / "mistakes.py"):
        reports = {report["how"]: report for report in data["classes"] if report["file"] == str(script)}
        assert sorted(reports) == [
            "saved by the script as 'model.keras' (fit capped to one step)",
            "saved by the script as 'net.h5' (fit capped to one step)",
        ]
        functional = reports["saved by the script as 'model.keras' (fit capped to one step)"]
        assert (functional["class_name"], functional["verdict"], functional["runtime"]) == (
            "Functional", "round-trip", []
        )
        net = reports["saved by the script as 'net.h5' (fit capped to one step)"]
        assert [finding["code"] for finding in net["runtime"]] == ["KS302"]
        assert net["static"] == {"KS302": "confirmed"}
    # The scripts saved model.keras, net.h5 and script_ran.npy: none of them here.
    assert sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*")) == [
        "again", "again/mistakes.py", "mistakes.py"
    ]


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


def test_run_script_compares_subclassed_models_and_runs_tf_keras_scripts_under_keras_2(tmp_path):
    """--script-args reaches the script's argparse; a subclassed model is compared on the
    data the script gave fit(); a tf_keras script runs under Keras 2 with fit capped
    (uncapped it would never end) and its save redirected."""
    shutil.copytree(CASES / "scripts", tmp_path / "scripts")
    folder = tmp_path / "scripts"
    (folder / "pyproject.toml").write_text("")
    result = run_cli(
        "verify", "--keras-version=3", "--run-script", "--script-args=--units 3", "cli_train.py", "legacy_train.py",
        cwd=folder,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{folder}/cli_train.py:10:1: Scaled (saved by the script as 'scaled.keras' (fit capped to one step))"
    )
    assert lines[1] == (
        "    KS102 confirmed: load with the module's classes in custom_objects (.keras): "
        "loads without error but gives different outputs"
    )
    sequential = lines.index(
        f"{folder}/legacy_train.py:1:1: Sequential (saved by the script as 'legacy.keras' (fit capped to one step))"
    )
    assert lines[sequential + 1] == "    round-trips: saved, loaded in fresh processes, same outputs"
    # Keras 2, an unregistered class: KS105 in --run-script as in the default mode, on the class's line.
    functional = lines.index(
        f"{folder}/legacy_train.py:27:1: Unregistered (in the Functional model "
        "saved by the script as 'unregistered.keras' (fit capped to one step))"
    )
    assert lines[functional + 1] == (
        "    KS105 confirmed: load after importing the module, without custom_objects (.keras): "
        "TypeError: Cannot deserialize object of type `Unregistered`. If `Unregistered` is a custom class, "
        "please register it using the `@keras.saving.register_keras_serializable()` decorator."
    )
    assert lines[-1].startswith("3 classes verified in 8 fresh processes (")
    assert lines[-1].endswith("): 2 failing, 1 round-trip, 0 not tested")
    assert sorted(path.name for path in folder.iterdir()) == ["cli_train.py", "legacy_train.py", "pyproject.toml"]


def test_a_script_that_exits_with_an_error_fails_and_starts_no_load(tmp_path):
    shutil.copy(CASES / "scripts" / "cli_train.py", tmp_path / "cli_train.py")
    result = run_cli("verify", "--keras-version=3", "--run-script", "cli_train.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "cli_train.py:1:1: (script) not tested: the script saved no model before it failed",
        "error: cli_train.py: the script failed: SystemExit: exit status 2; "
        "cli_train.py: error: the following arguments are required: --units",
        result.stdout.splitlines()[-1],
    ]
    assert result.stdout.splitlines()[-1].startswith("1 classes verified in 1 fresh processes (")
    assert result.stdout.splitlines()[-1].endswith("): 0 failing, 0 round-trip, 1 not tested")


def test_run_script_passes_a_correct_script_that_reads_its_folder_the_cache_and_its_own_saves(tmp_path):
    """Relative data path, a data set from the Keras cache (offline), a checkpoint loaded back
    with load_weights, keras.saving.save_model then load_model of the same path: all of it
    works, nothing is written into the folder; a Lambda refused by safe mode is KS305."""
    shutil.copytree(CASES / "scripts2", tmp_path / "project")
    project = tmp_path / "project"
    home = tmp_path / "keras_home"
    (home / "datasets").mkdir(parents=True)
    shutil.copy(CASES / "tiny.npz", home / "datasets" / "tiny.npz")
    before = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*"))
    result = run_cli(
        "verify", "--keras-version=3", "--run-script", "own_loads.py", cwd=project, env={"KERAS_HOME": str(home)}
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        f"{project}/own_loads.py:1:1: Functional (saved by the script as 'final.keras' (fit capped to one step))",
        "    round-trips: saved, loaded in fresh processes, same outputs",
        f"{project}/own_loads.py:1:1: Sequential (saved by the script as 'doubled.keras' (fit capped to one step))",
    ]
    assert lines[3].startswith(
        "    KS305 confirmed: load with the module's classes in custom_objects (.keras): ValueError: Requested the "
        "deserialization of a `Lambda` layer whose `function` is a Python lambda."
    )
    assert not any(line.startswith("error:") for line in lines)
    assert lines[-2] == (
        "note: own_loads.py: ran offline, with synthetic data of the same shapes and dtypes from "
        "keras.datasets.mnist.load_data"
    )
    assert lines[-1].startswith("2 classes verified in 4 fresh processes (")
    assert lines[-1].endswith("): 1 failing, 1 round-trip, 0 not tested")
    assert sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*")) == before


def test_sigterm_ends_the_run_like_ctrl_c(tmp_path):
    """A cancelled CI job: SIGTERM to keras-serial verify kills the worker and its
    children, removes the temporary folder, and prints one line, no traceback."""
    import signal
    import time

    shutil.copy(CASES / "mistakes.py", tmp_path / "mistakes.py")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    marker = uuid.uuid4().hex
    process = subprocess.Popen(
        [sys.executable, "-m", "flake8_keras_serial.cli", "verify", "--keras-version=3", "mistakes.py"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(scratch), "VERIFY_TEST_RUN": marker},
    )
    deadline = time.monotonic() + 60
    while len(processes_marked(marker)) < 2 and time.monotonic() < deadline:  # the CLI and its worker
        time.sleep(0.1)
    assert len(processes_marked(marker)) >= 2
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.strip() == "keras-serial verify: interrupted; no process or temporary folder is left behind"
    assert stdout == ""
    assert processes_marked(marker) == []
    assert list(scratch.iterdir()) == []


def test_a_script_that_needs_the_network_is_told_which_call(tmp_path):
    shutil.copy(CASES / "scripts2" / "downloads.py", tmp_path / "downloads.py")
    result = run_cli("verify", "--keras-version=3", "--run-script", "downloads.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[1] == (
        "error: downloads.py: the script failed: RuntimeError: keras.utils.get_file('not_cached.zip', "
        "origin='https://example.invalid/not_cached.zip') needs the network, which keras-serial verify blocks: "
        "put the file in ~/.keras/datasets to run the script offline"
    )
    assert result.stdout.splitlines()[-1].startswith("1 classes verified in 1 fresh processes (")
    assert "Traceback" not in result.stdout + result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["downloads.py"]


def test_probe_inputs_follow_what_call_unpacks_or_indexes(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    shutil.copy(CASES / "structured_inputs.py", tmp_path / "structured_inputs.py")
    result = run_cli("verify", "--keras-version=3", "--format=json", "structured_inputs.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    classes = by_class(result)
    assert classes["PairSum"]["how"].endswith("input shape (4,) assumed, 2 inputs (call() unpacks them)")
    assert classes["Fusion"]["how"].endswith("a dict of inputs image, text (call() reads them)")
    assert [classes[name]["verdict"] for name in ("PairSum", "Fusion", "Shift")] == ["round-trip"] * 3
    assert classes["Shift"]["how"].endswith("input shape (4,) assumed")
