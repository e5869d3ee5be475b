"""`keras-serial fix`: before/after pairs for every fix, idempotence, noqa,
exit codes, and the loop that matters: fix, then verify with real TensorFlow."""

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from test_fixtures import expected_findings, fixture_version

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


KS101_WITHOUT_KWARGS = """import keras


class Tower(keras.Model):
    def __init__(self, units, depth=2):
        super(Tower, self).__init__()
        self.units = units
        self.depth = depth


class Named(keras.Model):
    def __init__(self, units, name=None, trainable=True, dtype=None):
        super().__init__(name=name, trainable=trainable, dtype=dtype)
        self.units = units
"""


def test_ks101_fix_also_adds_kwargs_the_base_config_needs(tmp_path):
    """KS104 is silent while KS101 fires, so the get_config() the KS101 fix writes (built on
    super().get_config(), which carries name/trainable/dtype) must come with **kwargs, even
    when only KS101 is fixed."""
    target = tmp_path / "towers.py"
    target.write_text(KS101_WITHOUT_KWARGS)
    arguments = ["fix", "--write", "--keras-version=3", "--select=KS101", "towers.py"]
    assert run_cli(*arguments, cwd=tmp_path).returncode == 1
    assert target.read_text() == '''import keras


class Tower(keras.Model):
    def __init__(self, units, depth=2, **kwargs):
        super(Tower, self).__init__(**kwargs)
        self.units = units
        self.depth = depth

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "depth": self.depth})
        return config


class Named(keras.Model):
    def __init__(self, units, name=None, trainable=True, dtype=None):
        super().__init__(name=name, trainable=trainable, dtype=dtype)
        self.units = units

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config
'''
    check = run_cli("check", "--keras-version=3", "--select=KS10", "--ignore=KS105", "towers.py", cwd=tmp_path)
    assert check.stdout == ""
    assert (run_cli(*arguments, cwd=tmp_path).returncode, target.read_text().count("**kwargs")) == (0, 2)


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


def test_ks301_fix_never_imports_a_training_script(tmp_path):
    """classic/train.py builds and saves a model at its top level: importing it from
    serve.py would train and save again, so the finding is left unfixed, with the reason."""
    project = tmp_path / "classic"
    shutil.copytree(Path(__file__).parent / "projects" / "classic", project)
    before = (project / "serve.py").read_text()
    fixed = run_cli("fix", "--write", "--keras-version=3", "--select=KS301", "serve.py", cwd=project)
    assert (fixed.returncode, fixed.stdout) == (0, "")
    assert fixed.stderr == (
        "serve.py:3:9: KS301 not fixed: importing train would run its top-level code "
        "(train.py:17: inputs = keras.Input((4,))) whenever this file runs; move Scale into a module "
        "that only defines it and import it from there\n"
    )
    assert (project / "serve.py").read_text() == before


def test_ks301_fix_imports_a_module_that_only_defines_things(tmp_path):
    """Registrations, constants, a logger and an `if __name__ == "__main__":` block do no work on import."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "layers.py").write_text(
        '"""Layers."""\n'
        "import logging\n\nimport keras\n\n"
        "LOG = logging.getLogger(__name__)\nSIZES = {'small': 4, 'large': 2 * 8}\n\n\n"
        "class Scale(keras.layers.Layer):\n"
        "    def __init__(self, factor=2.0, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.factor = factor\n\n"
        "    def get_config(self):\n        return {**super().get_config(), 'factor': self.factor}\n\n\n"
        "keras.saving.get_custom_objects().update({})\n\n"
        "if __name__ == '__main__':\n    print('a demo that trains', Scale())\n"
    )
    (tmp_path / "train.py").write_text(
        "import keras\n\nfrom layers import Scale\n\n"
        "inputs = keras.Input((4,))\nkeras.Model(inputs, Scale()(inputs)).save('model.keras')\n"
    )
    (tmp_path / "serve.py").write_text("import keras\n\nmodel = keras.models.load_model('model.keras')\n")
    fixed = run_cli("fix", "--write", "--keras-version=3", "--select=KS301", "serve.py", cwd=tmp_path)
    assert (fixed.returncode, fixed.stderr) == (1, "fixed serve.py: KS301\n")
    assert (tmp_path / "serve.py").read_text() == (
        "from layers import Scale\nimport keras\n\n"
        "model = keras.models.load_model('model.keras', custom_objects={\"Scale\": Scale})\n"
    )


def test_ks301_fix_keys_a_factorys_closure_by_the_inner_functions_name(tmp_path):
    """compile(loss=focal_loss(gamma=3.0)) saves 'focal_loss_fixed': the fix imports the factory and
    calls it with the arguments the training module gives; a call with non-literal arguments is left unfixed."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "losses.py").write_text(
        "import keras\n\n\ndef focal_loss(gamma=2.0):\n    def focal_loss_fixed(y_true, y_pred):\n"
        "        return keras.ops.mean(keras.ops.square(y_true - y_pred)) * gamma\n\n    return focal_loss_fixed\n"
    )
    (tmp_path / "train.py").write_text(
        "import keras\n\nfrom losses import focal_loss\n\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss=focal_loss(gamma=3.0))\nmodel.save('m.keras')\n"
    )
    (tmp_path / "serve.py").write_text("import keras\n\nmodel = keras.models.load_model('m.keras')\n")
    fixed = run_cli("fix", "--write", "--keras-version=3", "--select=KS301", "serve.py", cwd=tmp_path)
    assert (fixed.returncode, fixed.stderr) == (1, "fixed serve.py: KS301\n")
    assert (tmp_path / "serve.py").read_text() == (
        "from losses import focal_loss\nimport keras\n\n"
        "model = keras.models.load_model('m.keras', custom_objects={\"focal_loss_fixed\": focal_loss(gamma=3.0)})\n"
    )
    train = (tmp_path / "train.py").read_text().replace("gamma=3.0", "gamma=GAMMA")
    (tmp_path / "train.py").write_text(train.replace("model = ", "GAMMA = 3.0\nmodel = ", 1))
    (tmp_path / "serve.py").write_text("import keras\n\nmodel = keras.models.load_model('m.keras')\n")
    fixed = run_cli("fix", "--write", "--keras-version=3", "--select=KS301", "serve.py", cwd=tmp_path)
    assert (fixed.returncode, fixed.stderr) == (
        0,
        "serve.py:3:9: KS301 not fixed: the arguments compile() gives focal_loss() are not literals: "
        "write the factory call with the training arguments by hand\n",
    )


@pytest.mark.parametrize(
    "work",
    [
        "print('loaded')",
        "data = keras.datasets.mnist.load_data()",
        "if True:\n    model = keras.Sequential()",
        "try:\n    import numpy\nexcept ImportError:\n    numpy = None\nelse:\n    numpy.save('x.npy', [1])",
        "if __name__ != '__main__':\n    pass\nelse:\n    pass\nLOG = open('log.txt', 'w')",
    ],
)
def test_ks301_fix_refuses_a_module_with_any_top_level_work(tmp_path, work):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "layers.py").write_text(
        "import keras\n\n\nclass Scale(keras.layers.Layer):\n    pass\n\n\n" + work + "\n"
    )
    (tmp_path / "serve.py").write_text("import keras\n\nmodel = keras.models.load_model('model.keras')\n")
    fixed = run_cli("fix", "--write", "--keras-version=3", "--select=KS301", "serve.py", cwd=tmp_path)
    assert fixed.returncode == 0
    assert fixed.stderr.startswith(
        "serve.py:3:9: KS301 not fixed: importing layers would run its top-level code (layers.py:"
    )
    assert fixed.stderr.count("\n") == 1
    assert (tmp_path / "serve.py").read_text() == "import keras\n\nmodel = keras.models.load_model('model.keras')\n"


def test_ks301_fix_refuses_a_module_that_imports_a_training_script(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "layers.py").write_text(
        "import keras\n\nimport train\n\n\nclass Scale(keras.layers.Layer):\n    pass\n"
    )
    (tmp_path / "train.py").write_text("import keras\n\nkeras.Sequential().save('other.keras')\n")
    (tmp_path / "serve.py").write_text("import keras\n\nmodel = keras.models.load_model('model.keras')\n")
    fixed = run_cli("fix", "--write", "--keras-version=3", "--select=KS301", "serve.py", cwd=tmp_path)
    assert fixed.stderr.startswith(
        "serve.py:3:9: KS301 not fixed: importing layers (which imports train) would run its top-level code "
        "(train.py:3: keras.Sequential().save('other.keras'))"
    )


def test_ks301_fix_imports_from_a_module_the_loader_already_runs(tmp_path):
    """serve.py imports helpers, which imports layers and the training script: importing
    layers again runs nothing new, so the fix may import from it."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "layers.py").write_text("import keras\n\n\nclass Scale(keras.layers.Layer):\n    pass\n")
    (tmp_path / "helpers.py").write_text("import layers\nimport train\n")
    (tmp_path / "train.py").write_text("import keras\n\nkeras.Sequential().save('other.keras')\n")
    (tmp_path / "serve.py").write_text(
        "import keras\n\nimport helpers\n\nmodel = keras.models.load_model('model.keras')\n"
    )
    fixed = run_cli("fix", "--write", "--keras-version=3", "--select=KS301", "serve.py", cwd=tmp_path)
    assert (fixed.returncode, fixed.stderr) == (1, "fixed serve.py: KS301\n")
    assert (tmp_path / "serve.py").read_text().startswith("from layers import Scale\n")


SEED_MODEL = """\
import keras


class MyModel(keras.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units)

    def call(self, inputs):
        return self.dense(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
"""
SEED_TRAINING = """\
model = MyModel(4)
model.compile(optimizer="adam", loss="mse")
model.fit(np.ones((8, 3)), np.ones((8, 4)), epochs=1, steps_per_epoch=1, verbose=0)
model.save("my_model.keras")
"""
SEED_LOADER = (
    'import keras\n\nmodel = keras.models.load_model("my_model.keras")\nprint(model(keras.ops.ones((1, 3))).shape)\n'
)


def _run_python(script: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, script], cwd=cwd, capture_output=True, text=True, timeout=300)


def _file_state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.mark.slow
def test_seed_article_fix_on_the_loader_never_retrains(tmp_path):
    """The seed article's scripts, with real TensorFlow: model_definition.py defines the
    class, trains one step and saves; loader.py loads. `fix --write` on the loader must
    not make it import (and so re-run) the training script."""
    (tmp_path / "pyproject.toml").write_text("")
    with_numpy = SEED_MODEL.replace("import keras\n", "import keras\nimport numpy as np\n", 1)
    (tmp_path / "model_definition.py").write_text(with_numpy + "\n\n" + SEED_TRAINING)
    (tmp_path / "loader.py").write_text(SEED_LOADER)
    trained = _run_python("model_definition.py", tmp_path)
    assert trained.returncode == 0, trained.stderr
    saved = tmp_path / "my_model.keras"
    before = _file_state(saved)

    fixed = run_cli("fix", "--write", "--keras-version=3", "loader.py", cwd=tmp_path)
    assert (fixed.returncode, fixed.stdout) == (0, "")
    assert fixed.stderr == (
        "loader.py:3:9: KS301 not fixed: importing model_definition would run its top-level code "
        "(model_definition.py:18: model = MyModel(4)) whenever this file runs; move MyModel into a module "
        "that only defines it and import it from there\n"
    )
    assert (tmp_path / "loader.py").read_text() == SEED_LOADER
    assert _file_state(saved) == before

    # The layout the message asks for: the class in a module of its own. Now the fix
    # imports it, and the fixed loader loads the model without touching the saved file.
    (tmp_path / "model_definition.py").unlink()
    (tmp_path / "layers.py").write_text(SEED_MODEL)
    (tmp_path / "train.py").write_text("import numpy as np\n\nfrom layers import MyModel\n\n" + SEED_TRAINING)
    fixed = run_cli("fix", "--write", "--keras-version=3", "loader.py", cwd=tmp_path)
    assert (fixed.returncode, fixed.stderr) == (1, "fixed loader.py: KS301\n")
    assert (tmp_path / "loader.py").read_text().startswith("from layers import MyModel\nimport keras\n")
    loaded = _run_python("loader.py", tmp_path)
    assert (loaded.returncode, loaded.stdout) == (0, "(1, 4)\n"), loaded.stderr
    assert _file_state(saved) == before


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


def test_fix_time_grows_about_linearly_with_the_file(tmp_path):
    """16x the lines must not cost 256x the time (0.1.0 scanned every node for each finding:
    about 25x already for 8x the lines; 0.2.0 about 16-25x for 16x)."""
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from bench_fix import generated_source

    from flake8_keras_serial.fixes import fix_source

    def seconds(lines: int) -> float:
        source = generated_source(lines)
        started = time.perf_counter()
        result = fix_source(source, 3, None)
        assert result.fixed != source
        return time.perf_counter() - started

    small = min(seconds(500) for _ in range(2))
    large = seconds(8000)
    assert large < 50 * small, (small, large)


def _definitions(tree: ast.Module) -> dict[tuple[str, int], ast.AST]:
    """Top-level classes and functions by (name, occurrence): what a fix may or may not touch."""
    seen: dict[str, int] = {}
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            seen[node.name] = seen.get(node.name, 0) + 1
            found[(node.name, seen[node.name])] = node
    return found


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("KS*.py")), ids=lambda path: path.stem)
def test_fix_leaves_every_look_alike_of_a_fixture_unchanged(tmp_path, fixture):
    """Issue 10: fix never turns valid code into invalid code. In each rule's fixture, the
    definitions with no expected finding (the silent look-alikes) come out of `fix --write`
    exactly as they went in, and the file still parses."""
    (tmp_path / "pyproject.toml").write_text("")
    target = tmp_path / fixture.name
    shutil.copy(fixture, target)
    code = fixture.stem.split("_")[0]
    result = run_cli(
        "fix", "--write", f"--select={code}", f"--keras-version={fixture_version(fixture)}", "--package=demo",
        target.name, cwd=tmp_path,
    )
    assert result.returncode in (0, 1), result.stderr
    before = ast.parse(fixture.read_text())
    after = _definitions(ast.parse(target.read_text()))
    flagged = {line for line, _, _ in expected_findings(fixture)}
    for key, node in _definitions(before).items():
        start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
        if any(start <= line <= node.end_lineno for line in flagged):
            continue
        assert key in after, f"{key[0]} disappeared"
        assert ast.dump(after[key]) == ast.dump(node), f"fix changed the look-alike {key[0]}"
