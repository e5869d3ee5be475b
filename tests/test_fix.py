"""`keras-serial fix`: before/after pairs for every fix, idempotence, noqa,
exit codes, and the loop that matters: fix, then verify with real TensorFlow."""

import json
import shutil
from pathlib import Path

import pytest

from conftest import run_cli

FIXES = Path(__file__).parent / "fixes"
CASES = Path(__file__).parent / "verify_cases"


def options(source: Path) -> list[str]:
    first = source.read_text().splitlines()[0]
    return first.removeprefix("# fix: ").split() if first.startswith("# fix: ") else []


@pytest.mark.parametrize("name", sorted(path.name[: -len(".in.py")] for path in FIXES.glob("*.in.py")))
def test_fix_turns_in_into_out_and_is_idempotent(tmp_path, name):
    before = FIXES / f"{name}.in.py"
    target = tmp_path / f"{name}.py"
    shutil.copy(before, target)
    arguments = ["fix", "--write", "--keras-version=3", "--package=demo", *options(before), target.name]
    first = run_cli(*arguments, cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    assert target.read_text() == (FIXES / f"{name}.out.py").read_text()
    second = run_cli(*arguments, cwd=tmp_path)
    assert (second.returncode, second.stdout) == (0, "")
    assert target.read_text() == (FIXES / f"{name}.out.py").read_text()


def test_diff_mode_changes_nothing_and_says_what_it_cannot_fix(tmp_path):
    target = tmp_path / "config.py"
    shutil.copy(FIXES / "config.in.py", target)
    result = run_cli("fix", "--keras-version=3", "--package=demo", "--select=KS102", "config.py", cwd=tmp_path)
    assert result.returncode == 1
    assert target.read_text() == (FIXES / "config.in.py").read_text()
    assert result.stdout.startswith("--- a/config.py\n+++ b/config.py\n@@ ")
    assert '+        return {**super().get_config(), "units": self.units, "scale": self.scale}\n' in result.stdout
    assert result.stderr == (
        "config.py:52:5: KS102 not fixed: 'scale' is not stored under an obvious attribute "
        "(self.scale = scale); not guessing\n"
    )


def test_noqa_lines_are_never_fixed(tmp_path):
    target = tmp_path / "registration.py"
    shutil.copy(FIXES / "registration.in.py", target)
    run_cli("fix", "--write", "--keras-version=3", "--package=demo", "registration.py", cwd=tmp_path)
    lines = target.read_text().splitlines()
    silenced = lines.index("class Silenced(keras.layers.Layer):  # noqa: KS105")
    assert lines[silenced - 1] == ""


def test_nothing_to_fix_exits_0_and_usage_errors_exit_2(tmp_path):
    (tmp_path / "clean.py").write_text("import keras\n")
    assert run_cli("fix", "clean.py", cwd=tmp_path).returncode == 0
    assert run_cli("fix", "missing.py", cwd=tmp_path).returncode == 2
    assert run_cli("fix", "--keras-version=5", "clean.py", cwd=tmp_path).returncode == 2


@pytest.mark.slow
def test_fix_then_verify_round_trips_the_classic_example(tmp_path):
    """Real TensorFlow: broken before, fixed by `fix --write`, proven by `verify`."""
    target = tmp_path / "broken_classic.py"
    shutil.copy(CASES / "broken_classic.py", target)
    (tmp_path / "pyproject.toml").write_text("")
    before = run_cli("verify", "--keras-version=3", "--format=json", "broken_classic.py", cwd=tmp_path)
    assert before.returncode == 1
    classes = json.loads(before.stdout)["classes"]
    failing = {item["class_name"]: [finding["code"] for finding in item["runtime"]] for item in classes}
    assert failing["MyCustomLayer"] and failing["MyModel"]

    fixed = run_cli("fix", "--write", "--keras-version=3", "broken_classic.py", cwd=tmp_path)
    assert fixed.returncode == 1, fixed.stderr
    assert run_cli("check", "--keras-version=3", "broken_classic.py", cwd=tmp_path).stdout == ""

    after = run_cli("verify", "--keras-version=3", "--format=json", "broken_classic.py", cwd=tmp_path)
    data = json.loads(after.stdout)
    assert after.returncode == 0, after.stdout
    assert [(item["class_name"], item["tested"], item["runtime"]) for item in data["classes"]] == [
        ("MyCustomLayer", True, []),
        ("MyModel", True, []),
    ]


def test_ks301_fix_across_files_adds_custom_objects_and_imports(tmp_path):
    project = tmp_path / "classic"
    shutil.copytree(Path(__file__).parent / "projects" / "classic", project)
    fixed = run_cli("fix", "--write", "--keras-version=3", "--select=KS301", "serve.py", cwd=project)
    assert fixed.returncode == 1, fixed.stderr
    assert (project / "serve.py").read_text() == (
        "from train import Scale\n"
        "import app.layers\n"
        "import keras\n"
        "\n"
        'model = keras.models.load_model("artifacts/model.keras", custom_objects={"Scale": Scale})  # expect KS301:9\n'
    )
    assert run_cli("check", "--keras-version=3", "--select=KS301", ".", cwd=project).stdout == ""


def test_renamed_save_path_is_followed_by_the_loads_in_other_files(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "train.py").write_text(
        "import keras\n\n\n@keras.saving.register_keras_serializable()\nclass Net(keras.Model):\n"
        "    def call(self, x):\n        return x\n\n\nnet = Net()\nnet.save('artifacts/net.h5')\n"
    )
    (tmp_path / "serve.py").write_text(
        "import keras\n\nimport train\n\nnet = keras.models.load_model('artifacts/net.h5')\n"
    )
    result = run_cli("fix", "--write", "--keras-version=3", "--select=KS302", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert (tmp_path / "train.py").read_text().endswith("net.save('artifacts/net.keras')\n")
    assert (tmp_path / "serve.py").read_text().endswith("net = keras.models.load_model('artifacts/net.keras')\n")
    assert sorted(result.stderr.splitlines()) == ["fixed serve.py: loads of renamed files", "fixed train.py: KS302"]
