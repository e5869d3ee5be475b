"""What a user sees when flake8 runs the plugin: noqa, ignore lists, config
files, stdin, exit codes, parallel jobs and Keras version selection."""

import textwrap
from pathlib import Path

from conftest import run_flake8

UNREGISTERED = textwrap.dedent(
    """\
    import keras


    class Proj(keras.layers.Layer):
        def __init__(self, units):
            super().__init__()
            self.units = units

        def get_config(self):
            return {"units": self.units}


    class Net(keras.Model):
        pass
    """
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def findings(stdout: str) -> list[str]:
    return [line.split(" ", 1)[0].split(":", 1)[1] for line in stdout.splitlines()]


def test_reports_with_one_based_columns_and_exit_code_1(tmp_path):
    path = write(tmp_path, "model.py", UNREGISTERED)
    result = run_flake8("--isolated", "--select=KS", "--keras-version=3", str(path))
    assert result.returncode == 1
    assert findings(result.stdout) == ["4:1:", "9:5:", "13:1:"]
    assert result.stdout.splitlines()[0] == (
        f"{path}:4:1: KS105 Proj is not registered: load_model() without custom_objects cannot find it "
        "(TypeError: Could not locate class 'Proj'); decorate it with @keras.saving.register_keras_serializable()"
    )
    assert " KS103 " in result.stdout.splitlines()[1]


def test_clean_file_exits_0(tmp_path):
    path = write(tmp_path, "clean.py", "import keras\n\n\nmodel = keras.Sequential([keras.layers.Dense(1)])\n")
    result = run_flake8("--isolated", "--select=KS", str(path))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_noqa_specific_and_bare(tmp_path):
    text = UNREGISTERED.replace("class Proj(keras.layers.Layer):", "class Proj(keras.layers.Layer):  # noqa: KS105")
    text = text.replace("def get_config(self):", "def get_config(self):  # noqa")
    path = write(tmp_path, "model.py", text)
    result = run_flake8("--isolated", "--select=KS", "--keras-version=3", str(path))
    assert findings(result.stdout) == ["13:1:"]


def test_extend_ignore(tmp_path):
    path = write(tmp_path, "model.py", UNREGISTERED)
    result = run_flake8("--isolated", "--select=KS", "--extend-ignore=KS103", "--keras-version=3", str(path))
    assert findings(result.stdout) == ["4:1:", "13:1:"]


def test_keras_version_from_config_file(tmp_path):
    tf_keras_spelling = UNREGISTERED.replace("import keras", "import tensorflow as tf").replace("(keras.", "(tf.keras.")
    write(tmp_path, "model.py", tf_keras_spelling)
    write(tmp_path, ".flake8", "[flake8]\nselect = KS\nkeras-version = 2\n")
    result = run_flake8("model.py", cwd=tmp_path)
    # Keras 2 loads an unregistered top-level model through its module: no KS105 for Net.
    assert result.stdout.splitlines() == [
        "model.py:4:1: KS105 Proj is not registered: load_model() without custom_objects cannot find it "
        "(TypeError: 'str' object is not callable (.keras) or ValueError: Unknown layer: 'Proj' (.h5)); "
        "decorate it with @tf.keras.utils.register_keras_serializable()",
        "model.py:9:5: KS103 Proj.get_config() does not start from super().get_config(): the base config is not "
        "saved, so the name reloads as the default; start with config = super().get_config()",
    ]


def test_importing_tf_keras_means_keras_2(tmp_path):
    path = write(tmp_path, "model.py", "import tf_keras\n\n\nclass Net(tf_keras.Model):\n    pass\n")
    result = run_flake8("--isolated", "--select=KS", "--keras-version=3", str(path))
    assert (result.returncode, result.stdout) == (0, "")


def test_auto_detects_keras_2_from_package_metadata(tmp_path):
    """tf_keras installed (its metadata only: detection never imports it) + TF_USE_LEGACY_KERAS=1."""
    site = tmp_path / "site"
    (site / "tf_keras-2.21.0.dist-info").mkdir(parents=True)
    (site / "tf_keras-2.21.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: tf_keras\nVersion: 2.21.0\n"
    )
    path = write(tmp_path, "model.py", "import tensorflow as tf\n\n\nclass Net(tf.keras.Model):\n    pass\n")
    import os
    import subprocess
    import sys

    def run(legacy: str) -> str:
        env = {**os.environ, "PYTHONPATH": str(site), "TF_USE_LEGACY_KERAS": legacy}
        return subprocess.run(
            [sys.executable, "-m", "flake8", "--isolated", "--select=KS", "--format=%(code)s", str(path)],
            capture_output=True, text=True, env=env, timeout=120,
        ).stdout

    assert run("1") == ""  # Keras 2: the model is found through its module
    assert run("0") == "KS105\n"  # Keras 3: it must be registered


def test_stdin(tmp_path):
    result = run_flake8(
        "--isolated", "--select=KS", "--keras-version=3", "--stdin-display-name=buffer.py", "-", stdin=UNREGISTERED
    )
    assert [line.split(" ", 1)[0] for line in result.stdout.splitlines()] == [
        "buffer.py:4:1:", "buffer.py:9:5:", "buffer.py:13:1:"
    ]


REGISTERED = (
    "import keras\n\n\n@keras.saving.register_keras_serializable(package='app')\n"
    "class Proj(keras.layers.Layer):\n    def get_config(self):\n        return super().get_config()\n"
)


def test_stdin_without_a_name_does_not_collide_with_the_file_it_came_from(tmp_path):
    """`flake8 - < layers.py` in the project: no KS107 between layers.py and its own copy;
    named as that file, the copy replaces it; a real second registration still fires."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "layers.py").write_text(REGISTERED)
    alone = run_flake8("--select=KS", "--keras-version=3", "-", cwd=tmp_path, stdin=REGISTERED)
    assert (alone.returncode, alone.stdout) == (0, "")
    named = run_flake8(
        "--select=KS", "--keras-version=3", "--stdin-display-name=layers.py", "-", cwd=tmp_path, stdin=REGISTERED
    )
    assert (named.returncode, named.stdout) == (0, "")
    # Another class under app>Proj (an identical copy would be silent: the same class either way).
    (tmp_path / "other.py").write_text(REGISTERED.replace("return super().get_config()", "return {}"))
    twice = run_flake8("--select=KS", "--keras-version=3", "layers.py", cwd=tmp_path)
    assert twice.stdout.startswith("layers.py:4:1: KS107 Proj is registered as 'app>Proj'")


def test_parallel_jobs_give_the_same_output(tmp_path):
    paths = [str(write(tmp_path, f"model_{index}.py", UNREGISTERED)) for index in range(6)]
    serial = run_flake8("--isolated", "--select=KS", "--keras-version=3", "-j1", *paths)
    parallel = run_flake8("--isolated", "--select=KS", "--keras-version=3", "-j2", *paths)
    assert serial.returncode == parallel.returncode == 1
    assert sorted(serial.stdout.splitlines()) == sorted(parallel.stdout.splitlines())
    assert len(serial.stdout.splitlines()) == 18


def test_bad_keras_version_is_a_clear_usage_error(tmp_path):
    path = write(tmp_path, "model.py", UNREGISTERED)
    result = run_flake8("--isolated", "--keras-version=4", str(path))
    assert result.returncode != 0
    assert "--keras-version" in result.stderr and "invalid choice: '4'" in result.stderr
    assert "Traceback" not in result.stderr


def test_syntax_error_is_flake8s_e999_only(tmp_path):
    path = write(tmp_path, "broken.py", "import keras\nclass L(keras.layers.Layer:\n    pass\n")
    result = run_flake8("--isolated", "--select=KS,E999", str(path))
    assert result.returncode == 1
    assert [line.split(" ", 2)[1] for line in result.stdout.splitlines()] == ["E999"]
    assert "Traceback" not in result.stderr


def test_default_run_without_select_includes_ks_codes(tmp_path):
    path = write(tmp_path, "model.py", UNREGISTERED)
    result = run_flake8("--isolated", "--keras-version=3", str(path))
    assert " KS105 " in result.stdout and " KS103 " in result.stdout


def test_bundled_example_reports_the_classic_mistakes():
    example = Path(__file__).resolve().parent.parent / "examples" / "classic_model.py"
    result = run_flake8(
        "--isolated", "--select=KS", "--keras-version=3", "--format=%(row)d:%(col)d:%(code)s", str(example)
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        # MyCustomLayer (line 9) is built only by MyModel's constructor: only its weight is reported.
        "13:9:KS201",
        "19:1:KS101", "19:1:KS105",
        "28:1:KS105", "36:9:KS203", "39:5:KS102", "39:5:KS103",
        # No KS104 on MyModel's __init__: KS101 says its save raises, so no automatic config is written.
        "43:1:KS101", "43:1:KS105",
    ]


def test_ks105_spells_the_decorator_through_the_files_own_imports(tmp_path):
    (tmp_path / "aliased.py").write_text("import tf_keras as keras\n\n\nclass Proj(keras.layers.Layer):\n    pass\n")
    (tmp_path / "from_tf.py").write_text(
        "from tensorflow import keras\n\n\nclass Proj(keras.layers.Layer):\n    pass\n"
    )
    (tmp_path / "plain.py").write_text("from keras import layers\n\n\nclass Proj(layers.Layer):\n    pass\n")
    result = run_flake8("--isolated", "--select=KS105", "--keras-version=3", "aliased.py", "from_tf.py", "plain.py",
                        cwd=tmp_path)
    endings = [line.rsplit("decorate it with ", 1)[1] for line in result.stdout.splitlines()]
    assert endings == [
        "@keras.saving.register_keras_serializable()",  # tf_keras, as the file names it
        "@keras.utils.register_keras_serializable()",  # tf.keras: `keras` is tensorflow.keras here
        "@keras.saving.register_keras_serializable()",  # nothing bound to the module: the usual spelling
    ]
