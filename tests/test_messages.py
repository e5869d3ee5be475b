"""Every message is one line of at most 300 characters with its code, whatever the size of the
project; `--format json` carries the whole lists (`details`)."""

import json
import re

import pytest

from flake8_keras_serial.messages import ELLIPSIS, HINT, MAX_MESSAGE, bounded, name_few, one_line, shown

from conftest import run_cli, run_flake8

LAYERS = 200
ARGUMENTS = 40
SUBLAYERS = 30


def _project(root):
    """One file of LAYERS unregistered custom layers, a Model with ARGUMENTS constructor arguments
    and one whose build() leaves SUBLAYERS sublayers unbuilt, and a loader without custom_objects."""
    (root / "pyproject.toml").write_text("[project]\nname = 'big'\n")
    parts = ["import keras\nfrom keras import layers\n"]
    for number in range(LAYERS):
        parts.append(
            f"\n\nclass CustomLayerNumber{number:03}(layers.Layer):\n"
            f"    def call(self, inputs):\n        return inputs\n"
        )
    arguments = ", ".join(f"argument_{number}" for number in range(ARGUMENTS))
    parts.append(
        f"\n\nclass WideModel(keras.Model):\n    def __init__(self, {arguments}, **kwargs):\n"
        "        super().__init__(**kwargs)\n"
    )
    made = "".join(f"        self.dense_{number} = layers.Dense(4)\n" for number in range(SUBLAYERS))
    applied = "".join(f"        inputs = self.dense_{number}(inputs)\n" for number in range(SUBLAYERS))
    parts.append(
        "\n\nclass DeepModel(keras.Model):\n    def __init__(self, **kwargs):\n"
        f"        super().__init__(**kwargs)\n{made}\n"
        "    def build(self, input_shape):\n        super().build(input_shape)\n\n"
        f"    def call(self, inputs):\n{applied}        return inputs\n"
    )
    chain = " ".join(f"CustomLayerNumber{number:03}()," for number in range(LAYERS))
    parts.append(
        f"\n\ndef train():\n    model = keras.Sequential([{chain}])\n    model.save('big.keras')\n"
    )
    (root / "layers_big.py").write_text("".join(parts))
    (root / "loader.py").write_text("import keras\n\nmodel = keras.models.load_model('big.keras')\n")


_LINE = re.compile(r"^[^:]+:\d+:\d+: (?P<text>(?P<code>[A-Z]+\d+) .*)$")


def _assert_bounded_lines(output: str) -> list[str]:
    texts = []
    for line in output.splitlines():
        match = _LINE.match(line)
        assert match is not None, line[:400]
        assert len(match["text"]) <= MAX_MESSAGE, match["text"]
        texts.append(match["text"])
    return texts


@pytest.fixture
def big_project(tmp_path):
    _project(tmp_path)
    return tmp_path


def test_cli_text_lines_are_bounded(big_project):
    result = run_cli("check", "--keras-version=3", ".", cwd=big_project)
    assert result.returncode == 1, result.stderr
    texts = _assert_bounded_lines(result.stdout)
    codes = {text.split()[0] for text in texts}
    assert {"KS101", "KS105", "KS205", "KS301"} <= codes, codes
    assert sum(text.startswith("KS105") for text in texts) == LAYERS + 2  # and the two models
    ks301 = [text for text in texts if text.startswith("KS301")]
    assert ks301 and all(text.endswith(HINT) for text in ks301)
    wide = next(text for text in texts if text.startswith("KS101") and "WideModel" in text)
    assert f"'argument_0', 'argument_1', 'argument_2' and {ARGUMENTS - 3} more" in wide
    assert wide.endswith("write get_config() returning them")  # the advice is not cut for the hint
    deep = next(text for text in texts if text.startswith("KS205"))
    assert f"self.dense_0, self.dense_1, self.dense_2 and {SUBLAYERS - 3} more" in deep
    assert deep.endswith("in build()")


def test_flake8_lines_are_bounded(big_project):
    result = run_flake8("--select=KS", "--keras-version=3", ".", cwd=big_project)
    assert result.returncode == 1, result.stderr
    texts = _assert_bounded_lines(result.stdout)
    assert any(text.startswith("KS301") and text.endswith(HINT) for text in texts)
    assert any(text.startswith("KS205") for text in texts)


def test_json_carries_the_whole_lists(big_project):
    result = run_cli("check", "--keras-version=3", "--format=json", ".", cwd=big_project)
    rows = json.loads(result.stdout)
    for row in rows:
        assert len(row["code"]) + 1 + len(row["message"]) <= MAX_MESSAGE
        assert "\n" not in row["message"]
        assert isinstance(row["details"], list)
    wide = next(row for row in rows if row["code"] == "KS101" and "WideModel" in row["message"])
    assert wide["details"] == [f"argument_{number}" for number in range(ARGUMENTS)]
    deep = next(row for row in rows if row["code"] == "KS205")
    assert deep["details"] == [f"self.dense_{number}" for number in range(SUBLAYERS)]
    # A message cut without a list of its own keeps its whole text in details.
    for row in rows:
        if row["message"].endswith(HINT):
            assert row["details"], row
    for row in rows:
        if row["code"] == "KS301" and len(row["details"]) == 1:
            assert all(f"CustomLayerNumber{number:03}" in row["details"][0] for number in range(LAYERS))


def test_text_output_has_no_details(big_project):
    result = run_cli("check", "--keras-version=3", ".", cwd=big_project)
    assert "argument_39" not in result.stdout
    assert "self.dense_29" not in result.stdout


def test_one_line():
    assert one_line("a\n  b\t\tc \r\n") == "a b c"
    assert one_line("") == ""


def test_bounded():
    assert bounded("short") == "short"
    assert bounded("two\nlines") == "two lines"
    text = "word " * 100
    cut = bounded(text, 50)
    assert len(cut) <= 50 and cut.endswith(ELLIPSIS)
    assert cut == "word " * 9 + "word" + ELLIPSIS
    assert bounded("abcdefghij abc", 12) == "abcdefghij" + ELLIPSIS  # cut at the word boundary
    assert bounded("x" * 20, 10) == "x" * 9 + ELLIPSIS  # one word longer than the line
    assert bounded("a, b, c, d, e, f", 9) == "a, b, c" + ELLIPSIS  # no dangling comma
    assert len(bounded("y" * 1000)) == MAX_MESSAGE


def test_name_few():
    assert name_few([]) == ""
    assert name_few(["A"]) == "A"
    assert name_few(["A", "B"]) == "A and B"
    assert name_few(["A", "B", "C"]) == "A, B and C"
    assert name_few(["A", "B", "C", "D", "E", "F", "G"]) == "A, B, C and 4 more"
    assert name_few(iter(["A", "B", "C", "D"]), limit=1) == "A and 3 more"


def test_shown():
    assert shown("KS105", "short", ()) == ("short", ())
    names = tuple(f"Name{number}" for number in range(10))
    message, details = shown("KS301", f"needs {name_few(names)}", names)
    assert message == f"needs Name0, Name1, Name2 and 7 more {HINT}"
    assert details == names
    long = "long words " * 100
    message, details = shown("KS301", long, ())
    assert len("KS301 " + message) <= MAX_MESSAGE and message.endswith(ELLIPSIS + " " + HINT)
    assert details == (one_line(long),)
    # not every name shown: Name1 inside Name10 does not count
    message, _ = shown("KS101", "Name10 and Name2", ("Name1", "Name2"))
    assert message.endswith(HINT)
    # a list shortened in a message that fits: the hint only when it fits too, never cutting the advice
    advice = "x" * 240 + " A and 3 more; do this"
    assert shown("KS101", advice, ("A", "B", "C", "D")) == (advice, ("A", "B", "C", "D"))
    assert shown("KS101", "Name1 and Name2", ("Name1", "Name2"))[0] == "Name1 and Name2"
