"""What the project's saves and loads tell KS105 and KS101 (model_io.py): a class whose
registered name or config no save or load of the project ever reads is not reported."""

from pathlib import Path

import pytest

from flake8_keras_serial.checker import check_lines
from flake8_keras_serial.project_index import forget_project_indexes

MODEL = '''import keras


class Regressor(keras.Model):
    def __init__(self, hidden_units, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(hidden_units)

    def call(self, x):
        return self.hidden(x)
'''

LAYER = '''from tensorflow import keras


class Scale(keras.layers.Layer):
    def call(self, x):
        return x * 2
'''


def codes(root: Path, files: dict[str, str], checked: str, major: int = 3) -> list[tuple[int, str]]:
    (root / "pyproject.toml").write_text("")
    for name, text in files.items():
        (root / name).write_text(text)
    forget_project_indexes()  # an edit within the index's re-validation interval
    path = root / checked
    lines = path.read_text().splitlines(keepends=True)
    return [(item.line, item.code) for item in check_lines(lines, major, filename=str(path), project_root=str(root))]


TRAIN_WEIGHTS = (
    "import numpy as np\nfrom model import Regressor\n\nmodel = Regressor(4)\nmodel.save_weights('r.weights.h5')\n"
)


def test_a_model_only_ever_saved_with_save_weights_is_not_reported(tmp_path):
    # The saving script does not spell "keras": its saves are read all the same.
    assert codes(tmp_path, {"model.py": MODEL, "train.py": TRAIN_WEIGHTS}, "model.py") == []


@pytest.mark.parametrize(
    "other",
    [
        "from model import Regressor\nmodel = Regressor(4)\nmodel.save('r.keras')\n",
        "import keras\nmodel = keras.models.load_model('r.keras')\n",
        "from model import Regressor\nnet = Regressor(4)\nnet.save(PATH)\n",  # maybe a model: counted
        "from model import Regressor\njson_text = Regressor(4).to_json()\n",
    ],
)
def test_any_whole_model_save_or_load_in_the_project_keeps_both_findings(tmp_path, other):
    files = {"model.py": MODEL, "train.py": TRAIN_WEIGHTS, "other.py": other}
    assert codes(tmp_path, files, "model.py") == [(4, "KS101"), (4, "KS105")]


def test_a_project_that_saves_nothing_keeps_both_findings(tmp_path):
    assert codes(tmp_path, {"model.py": MODEL}, "model.py") == [(4, "KS101"), (4, "KS105")]


def test_every_load_of_another_module_passing_the_class_silences_ks105(tmp_path):
    serve = "from tensorflow import keras\nfrom layers import Scale\n\n"
    serve += "model = keras.models.load_model('m.h5', custom_objects={'Scale': Scale})\n"
    files = {"layers.py": LAYER, "serve.py": serve}
    assert codes(tmp_path, files, "layers.py", major=2) == []
    files["check.py"] = "from tensorflow import keras\nkeras.models.load_model('m.h5')\n"
    assert codes(tmp_path, files, "layers.py", major=2) == [(4, "KS105")]


def test_keras_2_savedmodel_folders_only(tmp_path):
    train = "from tensorflow import keras\nfrom layers import Scale\n\n"
    train += "model = keras.Sequential([Scale()])\nmodel.save('export/scaler')\n"
    serve = "from tensorflow import keras\nmodel = keras.models.load_model('export/scaler')\n"
    files = {"layers.py": LAYER, "train.py": train, "serve.py": serve}
    assert codes(tmp_path, files, "layers.py", major=2) == []
    # Keras 3 has no SavedModel through save(): KS105 stands (and KS307 speaks at the save).
    assert codes(tmp_path, files, "layers.py", major=3) == [(4, "KS105")]
    files["serve.py"] += "other = keras.models.load_model('other.h5')\n"
    assert codes(tmp_path, files, "layers.py", major=2) == [(4, "KS105")]
