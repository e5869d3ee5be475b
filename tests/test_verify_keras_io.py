"""The verifier over scripts written the way keras-io examples are (issue 14):
module constants, build helpers, data-set loaders, custom layers and models,
subclassed and functional, correct ones and broken twins. Two real-TensorFlow
runs: the default mode over the whole folder, and --run-script over three."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "verify_cases" / "keras_io"

pytestmark = pytest.mark.slow

ROUND_TRIP = "    round-trips: saved, loaded in fresh processes, same outputs"
RANDOM = (
    "    not tested: outputs cannot be compared: two calls before saving already differ "
    "(random by design, such as noise or dropout that is always on)"
)
FROM_FILE = "input shape from the file"
FROM_TABLE = "input shape from pyproject.toml"


def verify(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    """The CLI as the user runs it; a loaded machine needs more than run_cli's 120 s."""
    return subprocess.run(
        [sys.executable, "-m", "flake8_keras_serial.cli", "verify", "--keras-version=3", *arguments],
        capture_output=True, text=True, cwd=cwd, timeout=400,
    )


def verdicts(lines: list[str], project: Path) -> dict:
    """(file, class) -> (what the header says after the class name, the verdict line)."""
    found = {}
    for index, line in enumerate(lines):
        if line.startswith(f"{project}/"):
            where, _, rest = line[len(str(project)) + 1:].partition(": ")
            name, _, how = rest.partition(" ")
            found[(where.split(":")[0], name)] = (how, lines[index + 1])
    return found


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    project = tmp_path_factory.mktemp("keras_io") / "project"
    shutil.copytree(CASES, project)
    return project, verify(".", cwd=project)


def test_default_mode_tests_every_class_or_says_why_not(default_run):
    project, result = default_run
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert verdicts(lines, project) == {
        ("antirectifier.py", "Antirectifier"): (f"(arguments from the call on line 40; {FROM_FILE})", ROUND_TRIP),
        ("antirectifier_unregistered.py", "Antirectifier"): (
            f"(arguments from the call on line 39; {FROM_FILE})",
            "    KS105 confirmed: load after importing the module, without custom_objects (.keras): TypeError: "
            "Could not locate class 'Antirectifier'. Make sure custom classes and functions are decorated with "
            "`@keras.saving.register_keras_serializable()`. If they are already decorated, make sure they are all "
            "imported so that the decorator is run before trying to load them. Full object config: {'module': '...",
        ),
        ("custom_loss_metric.py", "Rescale"): (
            "(arguments from the call on line 38; input shape from the call on line 38)", ROUND_TRIP
        ),
        ("endpoint_layer.py", "LogisticEndpoint"): (f"(arguments from the call on line 35; {FROM_FILE})", ROUND_TRIP),
        ("endpoint_no_kwargs.py", "LogisticEndpoint"): (
            f"(arguments from the call on line 35; {FROM_FILE})",
            "    KS104 confirmed: from_config(get_config()): TypeError: LogisticEndpoint.__init__() got an "
            "unexpected keyword argument 'trainable'",
        ),
        # create_model(encoding_size, dropout_rate=dropout_rate): its one call and its default.
        ("grn_vsn.py", "GatedLinearUnit"): (f"(arguments from the call on line 51; {FROM_FILE})", ROUND_TRIP),
        ("grn_vsn.py", "GatedResidualNetwork"): (f"(arguments from the call on line 50; {FROM_FILE})", ROUND_TRIP),
        ("grn_missing_arg.py", "GatedLinearUnit"): (f"(arguments from the call on line 51; {FROM_FILE})", ROUND_TRIP),
        ("grn_missing_arg.py", "GatedResidualNetwork"): (
            f"(arguments from the call on line 50; {FROM_FILE})",
            "    KS102 confirmed: from_config(get_config()): TypeError: GatedResidualNetwork.__init__() missing 1 "
            "required positional argument: 'dropout_rate'",
        ),
        ("mlp_mixer.py", "MLPMixerLayer"): (f"(arguments from the call on line 45; {FROM_TABLE})", ROUND_TRIP),
        ("subclassed_model.py", "ResidualMLP"): (
            "(arguments from the call on line 48; input shape (4,) assumed)", ROUND_TRIP
        ),
        # get_config() omits num_classes (default 10) of a model trained with 5: the head's weights do not fit.
        ("subclassed_head_config.py", "ResidualMLP"): (
            "(arguments from the call on line 49; input shape (4,) assumed)",
            "    KS102 confirmed: load with the module's classes in custom_objects (.keras): ValueError: A total of 1 "
            "objects could not be loaded. Example error message for object <Dense name=dense_3, built=True>: Layer "
            "'dense_3' expected 2 variables, but received 0 variables during loading. Expected: ['kernel', 'bias'] "
            "List of objects that could not be loaded: [<Dense name=dense_3, built=True>]",
        ),
        ("text_transformer.py", "TransformerBlock"): (
            f"(arguments from the call on line 58; {FROM_TABLE})", ROUND_TRIP
        ),
        ("text_transformer.py", "TokenAndPositionEmbedding"): (
            "(arguments from the call on line 57; input shape from the call on line 57)", ROUND_TRIP
        ),
        ("text_no_kwargs.py", "TransformerBlock"): (
            f"(arguments from the call on line 58; {FROM_TABLE})", ROUND_TRIP
        ),
        ("text_no_kwargs.py", "TokenAndPositionEmbedding"): (
            "(arguments from the call on line 57; input shape from the call on line 57)",
            "    KS104 confirmed: from_config(get_config()): TypeError: TokenAndPositionEmbedding.__init__() got an "
            "unexpected keyword argument 'name'",
        ),
        ("vae.py", "Sampling"): (
            f"(arguments from the call on line 30; {FROM_FILE}, 2 inputs (call() unpacks them))", RANDOM
        ),
        ("vae.py", "VAE"): (f"(arguments from the call on line 62; {FROM_FILE})", ROUND_TRIP),
        ("vae_no_config.py", "Sampling"): (
            f"(arguments from the call on line 30; {FROM_FILE}, 2 inputs (call() unpacks them))", RANDOM
        ),
        ("vit_patches.py", "Patches"): (f"(arguments from the call on line 53; {FROM_FILE})", ROUND_TRIP),
        ("vit_patches.py", "PatchEncoder"): (f"(arguments from the call on line 54; {FROM_TABLE})", ROUND_TRIP),
        ("vit_projection_raw.py", "Patches"): (f"(arguments from the call on line 54; {FROM_FILE})", ROUND_TRIP),
        ("vit_projection_raw.py", "PatchEncoder"): (
            f"(arguments from the call on line 55; {FROM_TABLE})",
            "    KS106 confirmed: load with the module's classes in custom_objects (.keras): TypeError: 'dict' object "
            "has no attribute 'units'",
        ),
        # Two inputs of two shapes: each layer is probed with the shape of the Input it is called on
        # (ItemGrid reshapes its 16 features to 4 x 4 and cannot build on the user input's 8).
        ("two_towers.py", "UserTower"): (
            "(arguments from the call on line 48; input shape from the call on line 48)", ROUND_TRIP
        ),
        ("two_towers.py", "ItemGrid"): (
            "(arguments from the call on line 50; input shape from the call on line 50)", ROUND_TRIP
        ),
        ("two_towers_grid_config.py", "UserTower"): (
            "(arguments from the call on line 47; input shape from the call on line 47)", ROUND_TRIP
        ),
        ("two_towers_grid_config.py", "ItemGrid"): (
            "(arguments from the call on line 49; input shape from the call on line 49)",
            "    KS102 confirmed: from_config(get_config()): TypeError: ItemGrid.__init__() missing 1 required "
            "positional argument: 'cols'",
        ),
        # No get_config(), plain arguments: Keras 3 records them itself, a true round trip.
        ("vit_patches_auto_config.py", "Patches"): (f"(arguments from the call on line 48; {FROM_FILE})", ROUND_TRIP),
        ("vit_patches_auto_config.py", "PatchEncoder"): (
            f"(arguments from the call on line 49; {FROM_TABLE})", ROUND_TRIP
        ),
    }
    assert "subclassed_model.py:12:1: ResidualBlock: built by ResidualMLP's constructor, which builds it again " \
        "on load: tested through it" in lines
    # Models built by helpers are no value a reader can tell without running: named, with the table to write.
    assert "vae_no_config.py:43:1: VAE not tested: the verifier cannot rebuild the arguments of the call on " \
        "line 58 ('encoder, decoder'); set it in [tool.keras-serial.verify.VAE] in pyproject.toml" in lines
    assert lines[-1].startswith("30 classes verified in 4 fresh processes (")
    assert lines[-1].endswith("): 7 failing, 20 round-trip, 3 not tested")
    assert not any(line.startswith("error:") for line in lines)
    assert "Traceback" not in result.stdout + result.stderr


def test_default_mode_runs_none_of_the_scripts(default_run):
    project, _ = default_run
    assert sorted(path.name for path in project.iterdir()) == sorted(path.name for path in CASES.iterdir())


def test_run_script_runs_offline_and_verifies_what_the_scripts_saved(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(CASES, project)
    scripts = ["text_transformer.py", "vae_no_config.py", "custom_loss_metric.py"]
    result = verify("--run-script", *scripts, cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith("    note: ")]
    assert lines[:-1] == [
        f"{project}/text_transformer.py:1:1: Functional "
        "(saved by the script as 'text_transformer.keras' (fit capped to one step))",
        ROUND_TRIP,
        # The subclassed VAE given its encoder and decoder: the default mode cannot build it, the script can.
        f"{project}/vae_no_config.py:43:1: VAE (saved by the script as 'vae_no_config.keras' (fit capped to one step))",
        "    KS101 confirmed: model.save('.keras'): NotImplementedError: Object VAE was created by passing "
        "non-serializable argument values in `__init__()`, and therefore the object must override `get_config()` "
        "in order to be serializable. Please implement `get_config()`. Example: class CustomLayer(keras.layers.Layer): "
        "def __init__(self, arg1, arg2, **kwargs): super()...",
        "    also: nothing was saved",
        f"{project}/custom_loss_metric.py:1:1: Functional "
        "(saved by the script as 'regressor.keras' (fit capped to one step))",
        ROUND_TRIP,
        "note: text_transformer.py: ran offline, with synthetic data of the same shapes and dtypes from "
        "keras.datasets.imdb.load_data",
        "note: vae_no_config.py: ran offline, with synthetic data of the same shapes and dtypes from "
        "keras.datasets.mnist.load_data",
        "note: custom_loss_metric.py: ran offline, with synthetic data of the same shapes and dtypes from "
        "keras.datasets.california_housing.load_data",
    ]
    assert lines[-1].startswith("3 classes verified in 6 fresh processes (")
    assert lines[-1].endswith("): 1 failing, 2 round-trip, 0 not tested")
    assert "Traceback" not in result.stdout + result.stderr
    # Every save went to the temporary folder: nothing new in the user's.
    assert sorted(path.name for path in project.iterdir()) == sorted(path.name for path in CASES.iterdir())


def test_run_script_confirms_the_static_finding_of_the_class_a_model_holds(tmp_path):
    """A Functional or Sequential model that fails to load because of a class it
    holds: the failure is that class's static finding, confirmed on its line,
    not KS902 on the whole model at line 1."""
    project = tmp_path / "project"
    shutil.copytree(CASES, project)
    scripts = ["antirectifier_unregistered.py", "grn_missing_arg.py", "text_no_kwargs.py"]
    result = verify("--run-script", *scripts, cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith(("    note: ", "note: "))]
    how = "model saved by the script as '{}' (fit capped to one step))"
    assert lines[:-1] == [
        f"{project}/antirectifier_unregistered.py:11:1: Antirectifier (in the Sequential "
        + how.format("antirectifier_unregistered.keras"),
        "    KS105 confirmed: load after importing the module, without custom_objects (.keras): TypeError: "
        "Could not locate class 'Antirectifier'. Make sure custom classes and functions are decorated with "
        "`@keras.saving.register_keras_serializable()`. If they are already decorated, make sure they are all "
        "imported so that the decorator is run before trying to load them. Full object config: {'module': N...",
        f"{project}/grn_missing_arg.py:43:1: GatedResidualNetwork (in the Functional " + how.format("grn_broken.keras"),
        "    KS102 confirmed: load with the module's classes in custom_objects (.keras): TypeError: "
        "GatedResidualNetwork.__init__() missing 1 required positional argument: 'dropout_rate'",
        f"{project}/text_no_kwargs.py:40:1: TokenAndPositionEmbedding (in the Functional "
        + how.format("text_no_kwargs.keras"),
        "    KS104 confirmed: load with the module's classes in custom_objects (.keras): TypeError: "
        "TokenAndPositionEmbedding.__init__() got an unexpected keyword argument 'name'",
    ]
    assert "KS902" not in result.stdout
    assert lines[-1].endswith("): 3 failing, 0 round-trip, 0 not tested")


def _script_judge(load_outcome: dict, static: list, contains: list[str]):
    """judge() on a --run-script Functional model, without TensorFlow."""
    from flake8_keras_serial.verify.plan import Case
    from flake8_keras_serial.verify.runner import RunOutcome
    from flake8_keras_serial.verify.verdicts import judge

    case = Case("s0", "m.py", "m", "Functional", "model", 1, 1, 3, how="saved by the script as 'm.keras'")
    made = {"s0": {"saved": {"keras": {"path": "s0.keras"}}, "probe": True, "contains": contains}}
    loads = {variant: {"s0": {"keras": dict(load_outcome)}} for variant in ("custom_objects", "imported")}
    loads["isolated"] = {"s0": {"keras": {"loaded": True, "same_outputs": True}}}
    steps = {"script": None, "custom_objects": None, "imported": None, "isolated": None}
    run = RunOutcome(made, loads, [], 4, 1.0, steps=steps)
    return judge(case, run, static, "m", {"Gate": (3, 9), "Other": (11, 20)})


def test_a_model_that_loads_with_other_outputs_confirms_the_config_finding_of_a_class_it_holds():
    from flake8_keras_serial.rules.base import Finding

    static = [Finding(12, 4, "KS104", "Other"), Finding(7, 4, "KS102", "Gate.get_config() omits 'rate'")]
    report = _script_judge({"loaded": True, "weights": 2, "same_outputs": False}, static, ["Gate"])
    assert (report.class_name, report.line, report.how) == (
        "Gate", 7, "in the Functional model saved by the script as 'm.keras'"
    )
    assert [(finding.code, finding.error) for finding in report.runtime] == [
        ("KS102", "loads without error but gives different outputs")
    ]
    assert report.static == {"KS102": "confirmed"}


def test_a_model_failure_no_static_finding_explains_stays_ks902_on_the_model():
    from flake8_keras_serial.rules.base import Finding

    error = {"type": "KeyError", "message": "<class 'm.Gate'> could not be deserialized properly. "
             "Exception encountered: 'size'", "chain": ["'size'"]}
    report = _script_judge({"error": error}, [Finding(12, 4, "KS104", "Other")], ["Gate"])
    assert (report.class_name, report.line) == ("Functional", 1)
    assert [(finding.code, finding.classes) for finding in report.runtime] == [("KS902", ["Gate"])]


def test_a_reason_is_plain_text_without_terminal_colour_codes():
    from flake8_keras_serial.verify.verdicts import _text

    error = {"type": "ValueError", "message": "Input \x1b[1m0\x1b[0m of layer \x1b[32m'dense'\x1b[0m is incompatible"}
    assert _text(error) == "ValueError: Input 0 of layer 'dense' is incompatible"
