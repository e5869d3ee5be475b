"""Cross-file checks (KS301, KS105 and KS107 across modules) through the
project index, under real flake8 with two worker processes and through
`keras-serial check`: both must give the diagnostics each mini-project
announces with `# expect CODE:COL` comments."""

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import run_cli, run_flake8
from flake8_keras_serial import project_index
from flake8_keras_serial.checker import check_lines
from test_fixtures import expected_findings

PROJECTS = Path(__file__).parent / "projects"


def announced(project: Path) -> list[str]:
    found = []
    for path in sorted(project.rglob("*.py")):
        relative = path.relative_to(project).as_posix()
        found += [f"./{relative}:{line}:{col}:{code}" for line, col, code in expected_findings(path)]
    return sorted(found)


def flake8_findings(project: Path, *extra: str) -> list[str]:
    result = run_flake8(
        "--isolated", "--select=KS000,KS301,KS105,KS107", "--keras-version=3", "-j2",
        "--format=%(path)s:%(row)d:%(col)d:%(code)s", ".", *extra, cwd=project,
    )
    assert result.stderr == ""
    return sorted(result.stdout.splitlines())


def cli_findings(project: Path) -> list[str]:
    result = run_cli("check", "--keras-version=3", "--select=KS000,KS301,KS105,KS107", ".", cwd=project)
    assert result.stderr.startswith(f"Found {len(result.stdout.splitlines())} finding")
    return sorted(
        f"./{path}:{line}:{col}:{message.split()[0]}"
        for path, line, col, message in (entry.split(":", 3) for entry in result.stdout.splitlines())
    )


@pytest.mark.parametrize("name", ["classic", "collision", "wrapper", "keras_package", "registry_writer", "copies"])
def test_project_flake8_and_cli_agree_with_the_announcements(tmp_path, name):
    project = tmp_path / name
    shutil.copytree(PROJECTS / name, project)
    expected = announced(project)
    assert expected
    assert flake8_findings(project) == expected  # cold cache
    assert flake8_findings(project) == expected  # warm cache
    assert cli_findings(project) == expected


def test_next_run_sees_an_edit(tmp_path):
    project = tmp_path / "classic"
    shutil.copytree(PROJECTS / "classic", project)
    assert "./serve.py:3:9:KS301" in flake8_findings(project)
    train = project / "train.py"
    # Register Scale; serve.py still does not import the registering modules.
    registered = train.read_text().replace("class Scale(", "@keras.saving.register_keras_serializable()\nclass Scale(")
    train.write_text(registered)
    result = run_flake8("--isolated", "--select=KS301", "--keras-version=3", "serve.py", cwd=project)
    assert result.stdout == (
        "serve.py:3:9: KS301 load_model() of 'artifacts/model.keras' cannot find the model saved there: "
        "import app.layers (registers 'app>Proj'), import train (registers 'Custom>Scale')\n"
    )
    serve = project / "serve.py"
    serve.write_text(
        "import keras\n\nimport app.layers\nimport train\n\nmodel = keras.models.load_model('artifacts/model.keras')\n"
    )
    result = run_flake8("--isolated", "--select=KS301", "--keras-version=3", "serve.py", cwd=project)
    assert (result.returncode, result.stdout) == (0, "")


def test_compile_false_needs_no_loss_or_metric(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "train.py").write_text(
        "import keras\n\n\ndef my_loss(y, p):\n    return y - p\n\n\n"
        "model = keras.Sequential([keras.layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss=my_loss)\nmodel.save('m.keras')\n"
    )
    (tmp_path / "serve.py").write_text(
        "import keras\n\nfull = keras.models.load_model('m.keras')\n"
        "weights_only = keras.models.load_model('m.keras', compile=False)\n"
    )
    result = run_flake8("--isolated", "--select=KS301", "--keras-version=3", "serve.py", cwd=tmp_path)
    assert result.stdout == (
        "serve.py:3:8: KS301 load_model() of 'm.keras' cannot find the model saved there: "
        'pass custom_objects={"my_loss": my_loss} (defined in train)\n'
    )


FOCAL_LOSS = (
    "def focal_loss(gamma=2.0):\n    def focal_loss_fixed(y_true, y_pred):\n"
    "        return keras.ops.mean(keras.ops.square(y_true - y_pred)) * gamma\n\n    return focal_loss_fixed\n"
)


def test_a_closure_made_by_a_factory_is_keyed_by_the_inner_functions_name(tmp_path):
    """Keras saves `loss=focal_loss(2.0)` as 'focal_loss_fixed' (measured, Keras 3.15.1 and tf_keras 2.21):
    that is the key custom_objects needs, with the factory's call as the value; {"focal_loss": ...} still fails."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "train.py").write_text(
        "import keras\n\n\n" + FOCAL_LOSS + "\n\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
        "model.compile(optimizer='adam', loss=focal_loss(2.0))\nmodel.save('m.keras')\n"
    )
    (tmp_path / "serve.py").write_text(
        "import keras\n\nfrom train import focal_loss\n\nmodel = keras.models.load_model('m.keras')\n"
        "model = keras.models.load_model('m.keras', custom_objects={'focal_loss': focal_loss()})\n"
        "model = keras.models.load_model('m.keras', custom_objects={'focal_loss_fixed': focal_loss()})\n"
    )
    result = run_flake8("--isolated", "--select=KS301", "--keras-version=3", "serve.py", cwd=tmp_path)
    assert result.stdout == (
        "serve.py:5:9: KS301 load_model() of 'm.keras' cannot find the model saved there: "
        'pass custom_objects={"focal_loss_fixed": focal_loss(2.0)} (defined in train)\n'
        "serve.py:6:9: KS301 load_model() of 'm.keras' cannot find the model saved there: "
        'custom_objects lacks "focal_loss_fixed": focal_loss(2.0) (defined in train)\n'
    )


OWNED_BLOCK = (
    "import keras\n\n\nclass Block(keras.layers.Layer):\n    def __init__(self, units):\n"
    "        super().__init__()\n        self.units = units\n\n    def call(self, x):\n        return x\n\n\n"
    "@keras.saving.register_keras_serializable(package='app')\nclass Owner(keras.layers.Layer):\n"
    "    def __init__(self, units=4, **kwargs):\n        super().__init__(**kwargs)\n"
    "        self.units = units\n        self.block = Block(units)\n\n"
    "    def call(self, x):\n        return self.block(x)\n\n"
    "    def get_config(self):\n        return {**super().get_config(), 'units': self.units}\n"
)


@pytest.mark.parametrize("outside", [False, True])
def test_a_layer_only_its_registered_owner_builds_is_not_needed_by_the_load(tmp_path, outside):
    """Block, unregistered, is built only in Owner's constructor, which builds it again on load
    (measured, Keras 3.15.1: the loader that imports blocks loads): the load is silent. Once the
    Functional model also holds a Block of its own, its config is saved and the load needs it."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "blocks.py").write_text(OWNED_BLOCK)
    layers = "Block(2)(Owner(4)(inputs))" if outside else "Owner(4)(inputs)"
    (tmp_path / "train.py").write_text(
        "import keras\n\nfrom blocks import Block, Owner\n\ninputs = keras.Input((3,))\n"
        f"keras.Model(inputs, {layers}).save('m.keras')\n"
    )
    (tmp_path / "serve.py").write_text("import keras\n\nimport blocks\n\nmodel = keras.models.load_model('m.keras')\n")
    result = run_flake8("--isolated", "--select=KS301", "--keras-version=3", "serve.py", cwd=tmp_path)
    expected = (
        "serve.py:5:9: KS301 load_model() of 'm.keras' cannot find the model saved there: "
        'pass custom_objects={"Block": Block} (defined in blocks)\n'
    )
    assert result.stdout == (expected if outside else "")


def test_incomplete_custom_objects_and_layer_functions_across_modules(tmp_path):
    """The keys a custom_objects dict lacks are named (at most three, then "and N more"); a function
    imported from another module and given to a layer is needed too; model_from_json() needs what
    to_json() wrote, and a registered, imported function is found."""
    (tmp_path / "pyproject.toml").write_text("")
    layers = "".join(
        f"class {name}(keras.layers.Layer):\n    pass\n\n\n" for name in ("A", "B", "C", "D", "E")
    )
    (tmp_path / "blocks.py").write_text(
        "import keras\n\n\n" + layers + "def swish2(x):\n    return x\n\n\n"
        "@keras.saving.register_keras_serializable()\ndef mish2(x):\n    return x\n"
    )
    (tmp_path / "train.py").write_text(
        "import keras\n\nfrom blocks import A, B, C, D, E, mish2, swish2\n\n"
        "inputs = keras.Input((4,))\nx = E()(D()(C()(B()(A()(inputs)))))\n"
        "x = keras.layers.Dense(4, activation=swish2, kernel_regularizer=mish2)(x)\n"
        "model = keras.Model(inputs, x)\nmodel.save('m.keras')\nopen('m.json', 'w').write(model.to_json())\n"
    )
    (tmp_path / "serve.py").write_text(
        "import keras\n\nimport blocks\nfrom blocks import A\n\n"
        "model = keras.models.load_model('m.keras', custom_objects={'A': A})\n"
        "model = keras.models.model_from_json(open('m.json').read())\n"
    )
    result = run_flake8("--isolated", "--select=KS301", "--keras-version=3", "serve.py", cwd=tmp_path)
    assert result.stdout == (
        "serve.py:6:9: KS301 load_model() of 'm.keras' cannot find the model saved there: custom_objects lacks "
        '"B": B, "C": C, "D": D and 2 more (defined in blocks) (all: keras-serial check --format json)\n'
        "serve.py:7:9: KS301 model_from_json() cannot find the models to_json() writes: pass custom_objects="
        '{"A": A, "B": B, "C": C and 3 more} (defined in blocks) (all: keras-serial check --format json)\n'
    )


def test_stale_or_broken_cache_is_rebuilt(tmp_path):
    project = tmp_path / "classic"
    shutil.copytree(PROJECTS / "classic", project)
    cache = tmp_path / "cache"
    env = {"KERAS_SERIAL_CACHE_DIR": str(cache)}
    expected = announced(project)
    result = run_flake8("--isolated", "--select=KS301", "--keras-version=3", ".", cwd=project, env=env)
    assert result.stdout.splitlines() == ["./serve.py:3:9: " + result.stdout.split(": ", 1)[1].strip()]
    (index_file,) = cache.glob("index-*.json")
    data = json.loads(index_file.read_text())
    assert sorted(data["files"]) == ["app/__init__.py", "app/layers.py", "serve.py", "serve_ok.py", "train.py"]
    # A summary that lies about train.py (stamp unchanged, content wrong) is trusted only while the stamp
    # matches; a touched file is summarised again.
    data["files"]["train.py"]["summary"] = {"imports": []}
    index_file.write_text(json.dumps(data))
    os.utime(project / "train.py", ns=(1, 1))
    second = run_flake8("--isolated", "--select=KS000,KS301,KS105,KS107", "--keras-version=3",
                        "--format=%(path)s:%(row)d:%(col)d:%(code)s", ".", cwd=project, env=env)
    assert sorted(second.stdout.splitlines()) == expected
    for garbage in ("{not json", json.dumps({"version": 999, "files": {}}), json.dumps([1, 2])):
        index_file.write_text(garbage)
        third = run_flake8("--isolated", "--select=KS000,KS301,KS105,KS107", "--keras-version=3",
                           "--format=%(path)s:%(row)d:%(col)d:%(code)s", ".", cwd=project, env=env)
        assert (sorted(third.stdout.splitlines()), third.stderr) == (expected, "")


def test_a_class_registered_by_the_projects_own_decorator_is_found_by_import(tmp_path):
    """lib.api_export.lib_export registers what it decorates (through a helper), so the
    loader needs only the import, and lib.layers' Scale and Shift are not KS105."""
    project = tmp_path / "wrapper"
    shutil.copytree(PROJECTS / "wrapper", project)
    result = run_flake8("--isolated", "--select=KS", "--keras-version=3", ".", cwd=project)
    assert result.stdout.splitlines() == [
        "./lib/layers.py:18:1: KS105 Plain is not registered: load_model() without custom_objects cannot find it "
        "(TypeError: Could not locate class 'Plain'); decorate it with @keras.saving.register_keras_serializable()",
        "./serve.py:3:9: KS301 load_model() of 'model.keras' cannot find the model saved there: "
        "import lib.layers (registers 'Scale')",
        "./serve_any.py:4:9: KS301 load_model() cannot find this project's custom objects: "
        "pass custom_objects={\"Plain\": Plain} (defined in lib.layers) and import lib.layers (registers 'Scale')",
    ]


def test_a_layer_built_only_by_another_modules_class_is_not_checked_for_its_own_config(tmp_path):
    """app.blocks.Block is built only by app.model.Net's constructor: the saved file holds Net's
    config, and loading Net builds Block again. Shared is also a layer of a Functional model."""
    project = tmp_path / "owners"
    shutil.copytree(PROJECTS / "owners", project)
    result = run_flake8("--isolated", "--select=KS", "--keras-version=3", "--format=%(path)s:%(row)d:%(col)d:%(code)s",
                        ".", cwd=project)
    assert result.stderr == ""
    assert sorted(result.stdout.splitlines()) == announced(project)
    # Checked alone, with the index of the other modules:
    alone = run_flake8("--isolated", "--select=KS1", "--keras-version=3", "app/blocks.py", cwd=project)
    assert [line.split()[1] for line in alone.stdout.splitlines()] == ["KS105", "KS104"]


def test_a_base_class_of_another_module_is_read_through_the_index(tmp_path):
    """app.task.Task writes 'backbone' in its get_config and defines from_config: Classifier
    (another module) adds only num_classes, Plain inherits both methods through Middle, and
    Middle, subclassed in another module and built nowhere, needs no registration. Forgetful
    drops the base config, which is still reported."""
    project = tmp_path / "inherit"
    shutil.copytree(PROJECTS / "inherit", project)
    result = run_flake8("--isolated", "--select=KS", "--keras-version=3", "--format=%(path)s:%(row)d:%(col)d:%(code)s",
                        ".", cwd=project)
    assert result.stderr == ""
    assert sorted(result.stdout.splitlines()) == announced(project) == ["./app/classifier.py:34:5:KS103"]


@pytest.mark.parametrize("version", ["3", "2"])
def test_keras_reached_through_the_projects_own_compat_module(tmp_path, version):
    """app.compat picks Keras in a try/except ImportError and re-exports `keras`, `layers = keras.layers`
    and `register = keras.saving.register_keras_serializable`; app.layers (`from .compat import ...`)
    and app.blocks (`from app.compat import ...`) are checked as Keras code, and app.api_export.app_export,
    which registers through app.compat's keras, registers app.blocks.Exported. app.lookalike's `keras`
    is app.fake's own object: nothing there."""
    project = tmp_path / "compat"
    shutil.copytree(PROJECTS / "compat", project)
    expected = announced(project)
    assert expected == ["./app/blocks.py:5:1:KS105", "./app/layers.py:14:1:KS101", "./app/layers.py:6:1:KS105"]
    result = run_flake8("--isolated", "--select=KS", f"--keras-version={version}", "-j2",
                        "--format=%(path)s:%(row)d:%(col)d:%(code)s", ".", cwd=project)
    assert (sorted(result.stdout.splitlines()), result.stderr) == (expected, "")
    checked = run_cli("check", f"--keras-version={version}", "--select=KS", ".", cwd=project)
    assert sorted(
        f"./{path}:{line}:{col}:{message.split()[0]}"
        for path, line, col, message in (entry.split(":", 3) for entry in checked.stdout.splitlines())
    ) == expected


def _check_in_process(path: Path) -> list[tuple[int, int, str]]:
    lines = path.read_text().splitlines(keepends=True)
    found = check_lines(lines, 3, filename=str(path))
    return sorted((f.line, f.col + 1, f.code) for f in found if f.code in ("KS000", "KS301", "KS105", "KS107"))


@pytest.fixture
def counted(monkeypatch):
    """A fresh process's index state; counts the walks of a project's files and the root searches."""
    project_index.forget_project_indexes()
    walks, searches = [], []
    walk, search = project_index._walk_python_files, project_index._search_root
    monkeypatch.setattr(project_index, "_walk_python_files", lambda root: (walks.append(root), walk(root))[1])
    monkeypatch.setattr(project_index, "_search_root", lambda folder: (searches.append(folder), search(folder))[1])
    yield walks, searches
    project_index.revalidate_every(None)
    project_index.forget_project_indexes()


def test_one_process_walks_a_project_once_and_looks_for_its_root_once_per_folder(tmp_path, counted):
    """What a flake8 -j1 run or `keras-serial check` does: every file of the project, in one
    process, twice; the findings are the announced ones and the project's files are walked once."""
    walks, searches = counted
    project = tmp_path / "classic"
    shutil.copytree(PROJECTS / "classic", project)
    files = sorted(project.rglob("*.py"))
    for _ in range(2):
        for path in files:
            assert _check_in_process(path) == expected_findings(path), path
    assert walks == [project.resolve()]
    assert sorted(searches) == sorted({path.resolve().parent for path in files})


def test_a_long_lived_process_sees_an_edit_of_another_module_once_told_or_after_the_interval(
    tmp_path, counted, monkeypatch
):
    """The language server: `invalidate` (on didSave, watched files) re-validates the index
    it had, and with `revalidate_every` an edit no event announced is seen after the interval."""
    walks, _ = counted
    project = tmp_path / "classic"
    shutil.copytree(PROJECTS / "classic", project)
    serve, train = project / "serve.py", project / "train.py"
    original = train.read_text()
    registered = original.replace("class Scale(", "@keras.saving.register_keras_serializable()\nclass Scale(")
    registers_scale = "'Custom>Scale'"  # serve.py is told to import train

    def load_message() -> str:
        lines = serve.read_text().splitlines(keepends=True)
        (finding,) = [f for f in check_lines(lines, 3, filename=str(serve)) if f.code == "KS301"]
        return finding.message

    assert registers_scale not in load_message()
    train.write_text(registered)
    assert registers_scale not in load_message()  # one process, not told: the index it validated
    project_index.invalidate(project.resolve())
    assert registers_scale in load_message()
    assert len(walks) == 2
    clock = [1000.0]
    monkeypatch.setattr(project_index.time, "monotonic", lambda: clock[0])
    project_index.revalidate_every(2.0)
    project_index.invalidate()
    load_message()
    train.write_text(original)
    os.utime(train, ns=(1, 1))  # a stamp that differs whatever the file system's clock
    clock[0] += 1.0
    assert registers_scale in load_message()  # within the interval
    clock[0] += 2.0
    assert registers_scale not in load_message()
    assert len(walks) == 4


def test_a_load_right_after_a_save_in_the_same_function_needs_what_that_function_built(tmp_path):
    """A test's round trip (`model.save(path)`, then `load_model(path)`) loads its own model, not
    what other modules save to a file of the same name: only the classes it builds count."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "layers.py").write_text(
        "import keras\n\n\nclass Scale(keras.layers.Layer):\n    def call(self, x):\n        return x * 2\n"
    )
    (tmp_path / "train.py").write_text(
        "import keras\n\nfrom layers import Scale\n\ninputs = keras.Input((3,))\n"
        "keras.Model(inputs, Scale()(inputs)).save('model.keras')\n"
    )
    (tmp_path / "test_roundtrip.py").write_text(
        "import keras\n\nfrom layers import Scale\n\n\n"
        "def build_custom():\n    inputs = keras.Input((3,))\n    return keras.Model(inputs, Scale()(inputs))\n\n\n"
        "def test_builtin(tmp):\n    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n"
        "    path = f'{tmp}/model.keras'\n    model.save(path)\n    return keras.models.load_model(path)\n\n\n"
        "def test_custom(tmp):\n    model = build_custom()\n    path = f'{tmp}/model.keras'\n    model.save(path)\n"
        "    return keras.models.load_model(path)\n"
    )
    result = run_flake8("--isolated", "--select=KS301", "--keras-version=3", "test_roundtrip.py", cwd=tmp_path)
    assert result.stdout == (
        # `path` is bound twice in the file: its value is unknown, the same name in one function links them.
        "test_roundtrip.py:22:12: KS301 load_model() cannot find the model saved there: "
        'pass custom_objects={"Scale": Scale} (defined in layers)\n'
    )


def test_a_keras2_savedmodel_round_trip_of_registered_classes_is_silent(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "other.py").write_text(
        "import tensorflow as tf\n\n\nclass Scale(tf.keras.layers.Layer):\n"
        "    def call(self, x):\n        return x * 2\n"
    )
    (tmp_path / "test_saved_model.py").write_text(
        "import os\n\nimport tensorflow as tf\n\n\n"
        "@tf.keras.utils.register_keras_serializable(package='demo')\n"
        "class Cross(tf.keras.layers.Dense):\n    pass\n\n\n"
        "def test_saved_model(tmp_dir):\n    inputs = tf.keras.Input((3,))\n"
        "    model = tf.keras.Model(inputs, Cross(2)(inputs))\n"
        "    path = os.path.join(tmp_dir, 'model')\n    model.save(path)\n    return tf.keras.models.load_model(path)\n"
    )
    result = run_flake8("--isolated", "--select=KS301", "--keras-version=2", "test_saved_model.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.parametrize("saved_as", ["model.keras", "model.h5"])
def test_a_raw_keras_object_in_the_config_is_reported_where_the_project_saves_hdf5(tmp_path, saved_as):
    """Measured (Keras 3.15.1, tf_keras 2.21): a raw initializer object in get_config() loads from
    .keras (add_weight takes its dict back), and from .h5 fails with ValueError: Unknown config_item."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "layers.py").write_text(
        "import keras\n\n\n@keras.saving.register_keras_serializable()\nclass Proj(keras.layers.Layer):\n"
        "    def __init__(self, init=keras.initializers.GlorotUniform(), **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.init = init\n\n"
        "    def build(self, shape):\n        self.w = self.add_weight(shape=(shape[-1], 2), initializer=self.init)\n\n"
        "    def get_config(self):\n        return {**super().get_config(), \"init\": self.init}\n"
    )
    (tmp_path / "train.py").write_text(
        "import keras\n\nfrom layers import Proj\n\ninputs = keras.Input((3,))\n"
        f"keras.Model(inputs, Proj()(inputs)).save({saved_as!r})\n"
    )
    result = run_flake8("--isolated", "--select=KS106", "--keras-version=3", "layers.py", cwd=tmp_path)
    expected = "" if saved_as == "model.keras" else (
        "layers.py:13:5: KS106 Proj.get_config() returns 'init' (a Keras object) as the object itself: loading a "
        ".h5 file fails with ValueError: Unknown config_item (.keras loads it); serialize it with "
        "keras.saving.serialize_keras_object() and rebuild it in from_config() with "
        "keras.saving.deserialize_keras_object()\n"
    )
    assert result.stdout == expected


@pytest.mark.parametrize("deserializes", [True, False])
def test_a_helper_of_another_module_that_deserializes_in_init_counts(tmp_path, deserializes):
    """qkeras's get_quantizer, keras-cv's preprocessing.parse_factor: __init__ hands the value to a
    function of another module that calls deserialize_keras_object on a dict (read from the index)."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    turn_back = "keras.saving.deserialize_keras_object(identifier)" if deserializes else "dict(identifier)"
    (tmp_path / "pkg" / "quantizers.py").write_text(
        "import keras\n\n\ndef get_quantizer(identifier):\n    if isinstance(identifier, dict):\n"
        f"        return {turn_back}\n    return identifier\n"
    )
    (tmp_path / "pkg" / "layers.py").write_text(
        "import keras\n\nfrom pkg import quantizers\nfrom .quantizers import get_quantizer\n\n\n"
        "class QPool(keras.layers.Layer):\n    def __init__(self, activation=None, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.activation = activation\n"
        "        if activation is not None:\n            self.activation = get_quantizer(activation)\n\n"
        "    def call(self, x):\n        return self.activation(x)\n\n"
        "    def get_config(self):\n"
        "        return {**super().get_config(), \"activation\": keras.activations.serialize(self.activation)}\n\n\n"
        "class Shear(keras.layers.Layer):\n    def __init__(self, factor, **kwargs):\n"
        "        super().__init__(**kwargs)\n        self.factor = factor\n"
        "        self.factor = quantizers.get_quantizer(factor)\n\n"
        "    def call(self, x):\n        return x * self.factor(x)\n\n"
        "    def get_config(self):\n        return {**super().get_config(), \"factor\": self.factor}\n"
    )
    result = run_flake8("--isolated", "--select=KS106", "--keras-version=3", "--format=%(row)d:%(code)s",
                        "pkg/layers.py", cwd=tmp_path)
    assert result.stderr == ""
    assert result.stdout.split() == ([] if deserializes else ["17:KS106", "30:KS106"])


@pytest.mark.parametrize("name", ["test_serving.py", "serving_test.py", "serve.py"])
def test_an_unlinked_load_is_reported_outside_test_modules_only(tmp_path, name):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "layers.py").write_text(
        "import keras\n\n\nclass Scale(keras.layers.Layer):\n    def call(self, x):\n        return x * 2\n"
    )
    (tmp_path / name).write_text("import sys\n\nimport keras\n\nmodel = keras.models.load_model(sys.argv[1])\n")
    result = run_flake8("--isolated", "--select=KS301", "--keras-version=3", name, cwd=tmp_path)
    expected = "" if "test" in name else (
        f"{name}:5:9: KS301 load_model() cannot find this project's custom objects: "
        'pass custom_objects={"Scale": Scale} (defined in layers)\n'
    )
    assert result.stdout == expected


def test_a_keras2_lambda_of_a_library_module_is_silent_and_of_a_script_fires(tmp_path):
    """tf_keras rebuilds a Lambda's function with its module's globals when the loading process
    has imported that module: a library module's names are found, a script's are not."""
    project = tmp_path / "library_lambda"
    shutil.copytree(PROJECTS / "library_lambda", project)
    result = run_flake8(
        "--isolated", "--select=KS305", "--keras-version=2", "--format=%(path)s:%(row)d:%(col)d:%(code)s", ".",
        cwd=project,
    )
    assert result.stderr == ""
    assert sorted(result.stdout.splitlines()) == announced(project) == ["./sampler/run_export.py:13:36:KS305"]


@pytest.mark.parametrize("base_from_config", [True, False])
def test_a_from_config_inherited_from_another_module_deserializes_a_serialized_argument(tmp_path, base_from_config):
    """keras-cv's Task.from_config turns a dict `backbone` back into a layer for its subclasses
    (ImageClassifier, VideoClassifier) of other modules: their get_config() may serialize it."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    from_config = (
        "    @classmethod\n    def from_config(cls, config):\n"
        "        config[\"backbone\"] = keras.layers.deserialize(config[\"backbone\"])\n"
        "        return cls(**config)\n"
    ) if base_from_config else "    pass\n"
    (tmp_path / "pkg" / "task.py").write_text(f"import keras\n\n\nclass Task(keras.Model):\n{from_config}")
    (tmp_path / "pkg" / "classifier.py").write_text(
        "import keras\n\nfrom pkg.task import Task\n\n\n"
        "class Classifier(Task):\n    def __init__(self, backbone, num_classes, **kwargs):\n"
        "        inputs = backbone.input\n"
        "        super().__init__(inputs, keras.layers.Dense(num_classes)(backbone(inputs)), **kwargs)\n"
        "        self.backbone, self.num_classes = backbone, num_classes\n\n"
        "    def get_config(self):\n"
        "        return {\"backbone\": keras.layers.serialize(self.backbone), \"num_classes\": self.num_classes}\n\n\n"
        "model = Classifier(backbone=keras.layers.Dense(3), num_classes=2)\n"
    )
    result = run_flake8("--isolated", "--select=KS106", "--keras-version=3", "--format=%(row)d:%(code)s",
                        "pkg/classifier.py", cwd=tmp_path)
    assert result.stderr == ""
    assert result.stdout.split() == ([] if base_from_config else ["12:KS106"])


@pytest.mark.parametrize("base_calls_super", [False, True])
def test_a_base_get_config_of_another_module_without_super_holds_only_its_keys(tmp_path, base_calls_super):
    """keras's BaseSpatialDropout.get_config() writes rate, seed, name and dtype, and no 'trainable':
    a subclass of another module whose __init__ takes name and dtype loads (read from the index)."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    start = "**super().get_config(), " if base_calls_super else ""
    (tmp_path / "pkg" / "base.py").write_text(
        "import keras\n\n\nclass BaseDrop(keras.layers.Layer):\n"
        "    def __init__(self, rate, name=None, dtype=None):\n"
        "        super().__init__(name=name, dtype=dtype)\n        self.rate = rate\n\n"
        f"    def get_config(self):\n        return {{{start}\"rate\": self.rate, \"name\": self.name, "
        "\"dtype\": self.dtype}\n"
    )
    (tmp_path / "pkg" / "drops.py").write_text(
        "import keras\n\nfrom pkg.base import BaseDrop\n\n\n"
        "class Drop2D(BaseDrop):\n    def __init__(self, rate, data_format=None, name=None, dtype=None):\n"
        "        super().__init__(rate, name=name, dtype=dtype)\n        self.data_format = data_format\n\n"
        "    def get_config(self):\n        return {**super().get_config(), \"data_format\": self.data_format}\n\n\n"
        "class Drop3D(BaseDrop):\n    def __init__(self, rate, data_format=None, name=None):\n"
        "        super().__init__(rate, name=name)\n        self.data_format = data_format\n\n"
        "    def get_config(self):\n        return {**super().get_config(), \"data_format\": self.data_format}\n"
    )
    result = run_flake8("--isolated", "--select=KS104", "--keras-version=3", "pkg/drops.py", cwd=tmp_path)
    assert result.stderr == ""
    held = "'trainable' and 'dtype'" if base_calls_super else "'dtype'"
    expected = [
        f"pkg/drops.py:16:5: KS104 Drop3D.__init__ has no **kwargs but get_config() starts from super().get_config(), "
        f"so the config holds {held}: load fails with TypeError: unexpected keyword argument "
        f"'{'trainable' if base_calls_super else 'dtype'}'; add **kwargs and pass it to super().__init__(**kwargs)",
    ]
    if base_calls_super:
        expected.insert(0, expected[0].replace("16:5", "7:5").replace("Drop3D", "Drop2D").replace(
            "'trainable' and 'dtype'", "'trainable'"))
    assert result.stdout.splitlines() == expected
