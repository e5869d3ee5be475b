"""check_lines must never raise, and must not give up on a whole file.

An exception escaping a flake8 plugin makes flake8 throw away the output of
the whole run, so `check_lines` turns internal failures into a KS000
finding. These tests feed it real and generated code and demand:

* no exception, ever, whatever the input (even lines that do not match the
  tree, or source that does not parse);
* on valid code (source and tree agree), no file-level KS000; on real
  files, no KS000 at all.

Corpora: the running interpreter's site-packages, this repository's own
Keras files, and the folders in $KERAS_SERIAL_CORPUS (os.pathsep-separated;
the word `stdlib` stands for the standard library), e.g. a TensorFlow
install's site-packages:

    KERAS_SERIAL_CORPUS=/path/to/tf/site-packages pytest -m slow tests/test_robustness.py -s

$KERAS_SERIAL_FUZZ_EXAMPLES scales the number of generated programs
(default 300; the Keras-class generator runs twice that, hypothesmith's
from_node a fifth).
"""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

import _corpus

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from flake8_keras_serial.checker import check_lines

# Generated and old code is full of `1()` and invalid escapes; ast says so.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")

REPO = Path(__file__).resolve().parents[1]
OWN_KERAS_DIRS = [REPO / "tests" / "fixtures", REPO / "examples"]


def _env_roots() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return [stdlib if str(root) == "stdlib" else root for root in _corpus.extra_roots()]


def _fail_message(report: _corpus.ScanReport, limit: int = 30) -> str:
    shown = "\n\n".join(str(problem) for problem in report.problems[:limit])
    more = f"\n... and {len(report.problems) - limit} more" if len(report.problems) > limit else ""
    return f"{report.summary()}\n\n{shown}{more}"


# --------------------------------------------------------------------------
# Small hand-made inputs: fast, run on every `pytest`.
# --------------------------------------------------------------------------

KERAS_CLASS = (
    "import keras\n\n\n"
    "class Fine(keras.layers.Layer):\n"
    "    def __init__(self, units):\n"
    "        super().__init__()\n"
)

ODD_INPUTS = {
    "empty": [],
    "one empty line": [""],
    "just the word": ["keras"],
    "no newline at end": ["import keras\n", "class A(keras.layers.Layer):\n", "    x = 1"],
    "null byte": ["import keras\n", "x = '\x00'\n"],
    "bom": ["\ufeffimport keras\n", "class A(keras.layers.Layer):\n", "    pass\n"],
    "crlf": [line.replace("\n", "\r\n") for line in io.StringIO(KERAS_CLASS).readlines()],
    "lone cr in one line": ["import keras\rclass A(keras.layers.Layer):\r    pass\r"],
    "form feed": ["import keras\n", "\x0c\n", "def f():\n", "\x0c    class A(keras.layers.Layer):\n", "        pass\n"],
    "tabs": ["import keras\n", "def f():\n", "\tclass A(keras.layers.Layer):\n", "\t\tdef __init__(self, a):\n",
             "\t\t\tsuper().__init__()\n"],
    "backslash at eof": ["import keras\n", "class A(keras.layers.Layer):\n", "    x = 1 \\\n"],
    "unterminated string": ["import keras\n", "class A(keras.layers.Layer):\n", "    x = '''\n"],
    "unicode names": ["import keras\n", "class Ä(keras.layers.Layer):\n", "    def __init__(self, ü, **kw):\n",
                      "        super().__init__(**kw)\n"],
    "huge line": ["import keras\n", "x = [" + "1, " * 50_000 + "]\n", "class A(keras.layers.Layer):\n", "    pass\n"],
}


# With a tree only where `ast` parses the input: flake8 never calls the plugin otherwise.
_ODD_CASES = [
    pytest.param(name, with_tree, id=f"{name}-{'tree' if with_tree else 'tree=None'}")
    for name in sorted(ODD_INPUTS)
    for with_tree in (False, True)
    if not with_tree or _corpus.parse(ODD_INPUTS[name]) is not None
]


@pytest.mark.parametrize(("name", "with_tree"), _ODD_CASES)
@pytest.mark.parametrize("major", _corpus.MAJORS)
def test_odd_inputs_never_raise(name: str, major: int, with_tree: bool) -> None:
    lines = ODD_INPUTS[name]
    tree = _corpus.parse(lines) if with_tree else None
    result = check_lines(list(lines), major, tree)
    assert isinstance(result, list)
    assert _file_level_ks000(result) == []


FILE_LEVEL_KS000 = "flake8-keras-serial could not check this file"


def _file_level_ks000(findings) -> list:
    """KS000s that gave up on the whole file (a per-class one leaves the rest checked)."""
    return [f for f in findings if f.code == "KS000" and f.message.startswith(FILE_LEVEL_KS000)]


def _class_body(expression: str) -> str:
    return (
        "import keras\n\n\n"
        "class Deep(keras.layers.Layer):\n"
        "    def call(self, x):\n"
        f"        return {expression}\n\n\n" + KERAS_CLASS.split("\n\n\n", 1)[1]
    )


# Valid code that ast parses but that is deep for a recursive reader (an early
# libcst-based version failed on all of these but the parentheses; pyflakes on the
# 400-long chains).
DEEP_SOURCES = {
    "400 adjacent string literals": _class_body(" ".join(['"a"'] * 400)),
    "400 added names": _class_body(" + ".join(["x"] * 400)),
    "400 chained attributes": _class_body("x" + ".a" * 400),
    "400 unary minus": _class_body("-" * 400 + "x"),
    "400 boolean and": _class_body(" and ".join(["x"] * 400)),
    "190 nested parentheses": _class_body("(" * 190 + "x" + ")" * 190),
    "150 nested lists": _class_body("[" * 150 + "]" * 150),
}


def _with_get_config(body: str, init_extra: str = "") -> str:
    return (
        "import keras\n\n\n"
        "class Deep(keras.layers.Layer):\n"
        "    def __init__(self, a, **kwargs):\n"
        "        super().__init__(**kwargs)\n"
        f"{init_extra}"
        "    def get_config(self):\n"
        f"{body}\n\n" + KERAS_CLASS.split("\n\n\n", 1)[1]
    )


# Deeper still: pyflakes gives up on these under flake8 (RecursionError), but
# the keras-serial CLI and editor integrations run the plugin alone, and the
# plugin's own readers (get_config summary, plain-value test) must not recurse.
DEEP_SOURCES.update(
    {
        "get_config: 1500 dicts or-ed": _with_get_config("        return " + " | ".join(["{}"] * 1500)),
        "get_config: dict() of 1500 added item lists": _with_get_config(
            "        return dict(" + " + ".join(["list({}.items())"] * 1500) + ")"
        ),
        "get_config: 1500 chained .copy()": _with_get_config("        c = {}\n        return c" + ".copy()" * 1500),
        "get_config: 1500 elif": _with_get_config(
            "        if x:\n            pass\n"
            + "".join(f"        elif x{index}:\n            pass\n" for index in range(1500))
            + "        return {}"
        ),
        "__init__: 1500 unary minus": _with_get_config(
            "        return {}", init_extra="        self.x = " + "-" * 1500 + "1\n"
        ),
    }
)


def _parseable(sources: dict[str, str]) -> list[str]:
    """The names whose source this Python's `ast` parses (the others never reach a plugin)."""
    return sorted(name for name, source in sources.items() if _corpus.parse(io.StringIO(source).readlines()))


@pytest.mark.parametrize("name", _parseable(DEEP_SOURCES))
def test_deep_expression_only_costs_its_own_class(name: str) -> None:
    """Too deep to read is a per-class KS000 at worst: the other classes are still checked."""
    source = DEEP_SOURCES[name]
    lines = io.StringIO(source).readlines()
    tree = _corpus.parse(lines)
    for major in _corpus.MAJORS:
        result = check_lines(lines, major, tree)
        assert _file_level_ks000(result) == [], result
        fine_line = next(number for number, line in enumerate(lines, 1) if line.startswith("class Fine"))
        assert any(f.line == fine_line and f.code == "KS105" for f in result), result


# Valid code in odd layouts: no KS000 at all. (They broke an early version
# that cut each class out of the file for libcst.)
TRICKY_LAYOUTS = {
    "parenthesised decorator (PEP 614)": (
        "import keras\n\n\n"
        "@(\n"
        "    keras.saving.register_keras_serializable()\n"
        ")\n"
        "class A(keras.layers.Layer):\n"
        "    pass\n"
    ),
    "decorator continued with a backslash": (
        "import keras\n\n\n"
        "@\\\n"
        "keras.saving.register_keras_serializable()\n"
        "class A(keras.layers.Layer):\n"
        "    pass\n"
    ),
    "class ending in a backslash continuation": (
        "import keras\n\n\n"
        "class A(keras.layers.Layer):\n"
        "    x = 1 \\\n"
        "\n"
        "y = 2\n"
    ),
    "class in a function, decorator split over lines": (
        "import keras\n\n\n"
        "def make():\n"
        "    @keras.saving.register_keras_serializable(\n"
        "package='p')\n"
        "    class A(keras.layers.Layer):\n"
        "        pass\n"
        "    return A\n"
    ),
    "one-line class body": "import keras\nclass A(keras.layers.Layer): x = 1; y = 2\n",
    "coding cookie comment on the class line": (
        "import keras\n\n\nclass A(keras.layers.Layer):  # -*- coding: foobar -*-\n    pass\n"
    ),
}


@pytest.mark.parametrize("name", _parseable(TRICKY_LAYOUTS))
def test_valid_class_is_checked(name: str) -> None:
    source = TRICKY_LAYOUTS[name]
    lines = io.StringIO(source).readlines()
    tree = _corpus.parse(lines)
    for major in _corpus.MAJORS:
        result = check_lines(lines, major, tree)
        assert [f for f in result if f.code == "KS000"] == [], result


class _Unprintable(Exception):
    def __str__(self) -> str:  # as str(KeyError(node)) of a very deep node does
        raise RecursionError("maximum recursion depth exceeded while getting the repr of an object")


class _Huge(Exception):
    def __str__(self) -> str:
        return "x" * 5_000_000


@pytest.mark.parametrize(
    "error", [ValueError("boom"), RecursionError(), MemoryError(), _Unprintable(), _Huge()], ids=type
)
def test_internal_error_becomes_ks000(monkeypatch, error: BaseException) -> None:
    """Whatever goes wrong inside, even describing the error, check_lines returns one KS000."""
    from flake8_keras_serial import checker

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(checker, "collect_module_facts", fail)
    result = check_lines(io.StringIO(KERAS_CLASS).readlines(), 3)
    assert [finding.code for finding in result] == ["KS000"]
    assert len(result[0].message) < 1000  # one readable line in flake8's output


# --------------------------------------------------------------------------
# Real files.
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_site_packages() -> None:
    """Every .py file of this interpreter's site-packages (TensorFlow's too, where the
    [test] extra installed it), and of the folders in $KERAS_SERIAL_CORPUS."""
    files = _corpus.python_files([*_corpus.site_roots(), *_env_roots()])
    assert files, "no site-packages found"
    report = _corpus.scan(files)
    print(f"\nsite-packages: {report.summary()}")
    assert not report.problems, _fail_message(report)


def _garbled_variants(lines: list[str]) -> list[tuple[str, list[str], bool]]:
    """(label, lines, keep_tree): damaged copies of a file.

    keep_tree=True hands check_lines the tree of the *undamaged* file, as an
    editor integration with a stale tree might; keep_tree=False makes it
    parse the damaged source itself.
    """
    count = len(lines)
    variants: list[tuple[str, list[str], bool]] = []
    for fraction in (0.25, 0.5, 0.75):
        cut = max(1, int(count * fraction))
        variants.append((f"cut at line {cut}", lines[:cut], False))
    half = lines[: max(1, count // 2)]
    variants.append(("cut in half, stale tree", half, True))
    if half:
        last = half[-1]
        variants.append(("cut mid-line", half[:-1] + [last[: len(last) // 2]], False))
    class_lines = [index for index, line in enumerate(lines) if line.lstrip().startswith("class ")]
    garbled = list(lines)
    for index in class_lines:
        if index + 1 < count:  # dedent the first body line of every class
            garbled[index + 1] = garbled[index + 1].lstrip(" \t")
    variants.append(("class bodies dedented", garbled, False))
    variants.append(("class bodies dedented, stale tree", garbled, True))
    variants.append(("lines shifted by one, stale tree", ["\n", *lines], True))
    variants.append(("lines dropped at class starts, stale tree",
                     [line for index, line in enumerate(lines) if index not in class_lines], True))
    variants.append(("crlf", [line[:-1] + "\r\n" if line.endswith("\n") else line for line in lines], False))
    variants.append(("no line endings", [line.rstrip("\r\n") for line in lines], False))
    return variants


def _garble_corpus(paths: list[Path]) -> tuple[int, list[str]]:
    problems: list[str] = []
    files = 0
    for path, lines in _corpus.keras_files(paths):
        files += 1
        tree = _corpus.parse(lines)
        for label, damaged, keep_tree in _garbled_variants(lines):
            if keep_tree and tree is None:
                continue
            result, raised = _corpus.run_guarded(f"{path} ({label})", 3, damaged, tree if keep_tree else None)
            problems += [str(problem) for problem in raised]
            if not keep_tree and _corpus.parse(damaged) is not None:
                # Damaged but still valid source: the full contract holds.
                problems += [f"{path} ({label}): {f}" for f in _file_level_ks000(result)]
    return files, problems


@pytest.mark.slow
def test_garbled_keras_files() -> None:
    """Truncated, dedented and mismatched copies of every Keras file we have."""
    paths = _corpus.python_files([*OWN_KERAS_DIRS, *_corpus.site_roots(), *_env_roots()])
    files, problems = _garble_corpus(paths)
    print(f"\ngarbled copies of {files} Keras files: {len(problems)} problems")
    assert files, "no Keras file found to garble"
    assert not problems, "\n\n".join(problems[:30])


# --------------------------------------------------------------------------
# Generated programs (hypothesmith).
# --------------------------------------------------------------------------

_EXAMPLES = int(os.environ.get("KERAS_SERIAL_FUZZ_EXAMPLES", "300"))
_FUZZ = (
    settings(
        max_examples=_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    if hypothesmith is not None
    else None
)

_HEADER = (
    "import keras\n"
    "import tensorflow as tf\n"
    "from keras import layers\n\n\n"
    "@keras.saving.register_keras_serializable()\n"
    "class L(keras.layers.Layer):\n"
    "    def __init__(self, units, activation=None, **kwargs):\n"
    "        super().__init__(**kwargs)\n"
    "        self.units = units\n\n"
    "    def get_config(self):\n"
    "        return {**super().get_config(), 'units': self.units}\n\n\n"
)
_FOOTER = (
    "\n\nclass M(L):\n"
    "    def __init__(self, inner, **kwargs):\n"
    "        super().__init__(1, **kwargs)\n"
    "        self.w = tf.Variable(0.0)\n\n\n"
    "M(layers.Dense(1))\n"
)


def _in_module(code: str) -> str:
    return _HEADER + code + _FOOTER


def _in_class_body(code: str) -> str:
    return _HEADER + "class Body(keras.layers.Layer):\n    pass\n" + textwrap.indent(code, "    ") + _FOOTER


def _in_method(name: str):
    def wrap(code: str) -> str:
        return (
            _HEADER
            + "class Method(layers.Dense):\n"
            + "    def __init__(self, units, fn=tf.nn.relu, **kwargs):\n"
            + "        super().__init__(units, **kwargs)\n"
            + "        self.count = 0\n"
            + f"    def {name}(self, *args, **kwargs):\n"
            + "        config = super().get_config()\n"
            + textwrap.indent(code, "        ")
            + "        return config\n"
            + _FOOTER
        )

    return wrap


def _in_function(code: str) -> str:
    return (
        _HEADER
        + "def make():\n"
        + "    class Nested(keras.Model):\n"
        + "        pass\n"
        + textwrap.indent(code, "        ")
        + "    return Nested\n"
        + _FOOTER
    )


_WRAPPERS = [
    _in_module, _in_class_body, _in_method("get_config"), _in_method("call"), _in_method("__init__"), _in_function,
]


def _check_generated(source: str) -> None:
    lines = io.StringIO(source, newline=None).readlines()  # universal newlines, as flake8 reads files
    tree = _corpus.parse(lines)
    for major in _corpus.MAJORS:
        result = check_lines(lines, major, tree)  # must not raise
        assert isinstance(result, list)
        if tree is None:
            assert result == [] or all(f.code == "KS000" for f in result), result
            continue
        assert [f for f in result if f.code == "KS000"] == [], (result, source)


# Keras classes assembled from the constructs the rules read: far more of
# them per example than in hypothesmith's programs.
_IMPORTS = [
    "import keras", "import tensorflow as tf", "from tensorflow import keras as tfk", "import tf_keras",
    "from keras import layers, saving", "from keras.layers import Layer as Base", "import numpy as np",
    "from keras.saving import register_keras_serializable as reg",
]
_BASES = [
    "keras.layers.Layer", "keras.Model", "keras.layers.Dense", "tf.keras.layers.Layer", "tfk.Model",
    "tf_keras.layers.Layer", "layers.Layer", "Base", "keras.losses.Loss", "keras.metrics.Metric",
    "keras.initializers.Initializer", "keras.optimizers.schedules.LearningRateSchedule", "keras.Sequential",
    "keras.regularizers.Regularizer", "keras.constraints.Constraint", "C0", "C1", "object",
]
_DECORATORS = [
    "", "@keras.saving.register_keras_serializable()", "@keras.saving.register_keras_serializable(package='p')",
    "@keras.saving.register_keras_serializable('p', 'n')", "@tf.keras.utils.register_keras_serializable()",
    "@tf.keras.saving.register_keras_serializable()", "@tf_keras.saving.register_keras_serializable(name=None)",
    "@reg(package=f'{1}')", "@reg(*['a'])", "@reg(**{})", "@reg", "@saving.register_keras_serializable(package=1)",
    "@staticmethod", "@(lambda cls: cls)", "@keras.utils.register_keras_serializable()()",
]
_PARAMS = [
    "units", "units=1", "activation=None", "activation=tf.nn.relu", "fn=lambda x: x", "inner=layers.Dense(1)",
    "init=keras.initializers.Zeros()", "table=np.zeros(3)", "layer: keras.layers.Layer = None",
    "fn: 'Callable[..., int]' = None", "arr: np.ndarray = None", "name=None", "trainable=True", "dtype=None",
    "x: 'keras.layers.Layer[' = None", "y: Optional[Callable] = None", "z: Union[str, Callable] = 'a'",
]
_PARAM_SHAPES = ["{p}", "/, {p}", "*, {p}", "*args, {p}", "{p}, *args", "{p}, **kwargs", "{p}, /", "*, {p}, **kw"]
_INIT_LINES = [
    "super().__init__(**kwargs)", "super().__init__(*args, **kwargs)", "super(C, self).__init__()",
    "super().__init__(name=name, trainable=trainable)", "self.units = units", "self.fn = fn", "self.fn(1)",
    "fn(1)", "self.count = 0", "self.items = []", "self.w = tf.Variable(0.0)", "self.v = keras.Variable(0.0)",
    "self.k = self.add_weight(shape=(1,))", "self.l = layers.Dense(units)", "self.a, (self.b, *self.c) = 1, (2, 3)",
    "self.table: list = [1]", "self.x = np.zeros(3)", "self.x = -+-1", "self.inner = keras.layers.deserialize(inner)",
    "self.activation = keras.activations.get(activation)", "if units: self.units = 2",
    "for i in range(3): self.items.append(i)", "del self.count", "self.__dict__.update(kwargs)", "pass",
]
_GET_CONFIG_BODIES = [
    "return {}", "return", "return None", "return super().get_config()",
    "return {**super().get_config(), 'units': self.units}",
    "config = super().get_config()\nconfig.update({'units': self.units})\nreturn config",
    "config = super().get_config()\nconfig['units'] = self.units\nconfig[0] = 1\nconfig[1:2] = 3\nreturn config",
    "config = super().get_config()\nconfig.update(units=self.units, **{'fn': self.fn})\nreturn config",
    "base = super(C, self).get_config()\nreturn dict(list(base.items()) + list({'units': self.units}.items()))",
    "return super().get_config() | {'inner': keras.layers.serialize(self.inner)}",
    "c = super().get_config().copy()\nc |= {'fn': self.fn}\nreturn c",
    "config = super().get_config()\nfor k in []: config[k] = 1\nreturn config",
    "try:\n    c = super().get_config()\nexcept Exception:\n    c = {}\nelse:\n    pass\nfinally:\n    pass\nreturn c",
    "if self.units:\n    return {'units': self.units}\nelif self.fn:\n    return {}\nelse:\n    return dict(a=1)",
    "match self.units:\n    case 1:\n        return {}\n    case _:\n        return {'units': 1}",
    "with open('x') as f:\n    return {}", "return {**self.__dict__}", "return dict(self.__dict__)", "yield {}",
    "config = Base.get_config(self)\nconfig.update(*[{}])\nreturn config",
    "return {1: 2, None: 3, b'k': 4, 'k' 'j': 5}",
    "return {'inner': self.inner.get_config(), 'fn': keras.saving.serialize_keras_object(self.fn)}",
]
_CALL_LINES = [
    "return x", "return self.l(x)", "return layers.Dense(3)(x)", "w = self.add_weight(shape=(1,))",
    "self.count += 1", "self.items.append(x)", "self.items[0] = x", "self.count = self.count + 1",
    "v = tf.Variable(x)", "return C0(1)(x)", "self.w.assign(x)", "self.fn = lambda: 0",
    "return [keras.layers.Dense(1)][0](x)",
]
_MODULE_LINES = [
    "C0(1)", "C1(layers.Dense(1), fn=tf.nn.relu)", "C0(*[1], **{})", "C1(lambda x: x, np.zeros(3))",
    "C0 = keras.saving.register_keras_serializable()(C0)", "keras.saving.get_custom_objects()['C1'] = C1",
    "keras.saving.get_custom_objects().update({'C0': C0, **{}})", "tf.keras.utils.get_custom_objects()[C0] = C0",
    "C1 = reg(package='p')(*[C1])", "x = C0(C1(1), C1)",
]


def _block(lines: list[str], indent: str) -> str:
    return "".join(textwrap.indent(line, indent) + "\n" for line in lines) if lines else indent + "pass\n"


def _draw_keras_module(draw) -> str:
    parts = ["\n".join(draw(st.lists(st.sampled_from(_IMPORTS), min_size=1, max_size=5))) + "\n\n"]
    for index in range(draw(st.integers(1, 3))):
        decorators = draw(st.lists(st.sampled_from(_DECORATORS), max_size=2))
        bases = draw(st.lists(st.sampled_from(_BASES), min_size=1, max_size=2, unique=True))
        indent = draw(st.sampled_from(["", "    "]))  # top level, or inside `def make():`
        params = draw(st.lists(st.sampled_from(_PARAMS), max_size=4, unique=True))
        shape = draw(st.sampled_from(_PARAM_SHAPES))
        signature = ", ".join(["self", shape.format(p=", ".join(params)) if params else "*args, **kwargs"])
        methods = []
        if draw(st.booleans()):
            init_lines = draw(st.lists(st.sampled_from(_INIT_LINES), max_size=6))
            methods.append(f"def __init__({signature}):\n" + _block(init_lines, "    "))
        if draw(st.booleans()):
            methods.append("def get_config(self):\n" + _block([draw(st.sampled_from(_GET_CONFIG_BODIES))], "    "))
        if draw(st.booleans()):
            methods.append("@classmethod\ndef from_config(cls, config):\n    return cls(**config)")
        if draw(st.booleans()):
            call_lines = draw(st.lists(st.sampled_from(_CALL_LINES), max_size=4))
            methods.append("def call(self, x):\n" + _block(call_lines, "    "))
        if draw(st.booleans()):
            methods.append("def build(self, shape):\n    self.count = 1\n    self.items.clear()")
        body = "\n".join(textwrap.indent(method, "    ") for method in methods) or "    pass"
        header = "".join(f"{decorator}\n" for decorator in decorators if decorator)
        cls = f"{header}class C{index}({', '.join(bases)}):\n{body}\n"
        if indent:
            cls = "def make():\n" + textwrap.indent(cls, indent) + f"    return C{index}\n"
        parts.append(cls + "\n\n")
    parts.append("\n".join(draw(st.lists(st.sampled_from(_MODULE_LINES), max_size=4))) + "\n")
    return "".join(parts)


if True:  # the generated-program tests (hypothesis, hypothesmith: the [test] extra)
    _PLACES = st.sampled_from(_WRAPPERS)
    _keras_module = st.composite(_draw_keras_module)

    @pytest.mark.slow
    @settings(_FUZZ, max_examples=_EXAMPLES * 2)
    @given(source=_keras_module())
    def test_generated_keras_classes(source: str) -> None:
        _check_generated(source)

    @pytest.mark.slow
    @_FUZZ
    @given(code=hypothesmith.from_grammar(), place=_PLACES)
    def test_generated_from_grammar(code: str, place) -> None:
        _check_generated(place(code))

    @pytest.mark.slow
    @settings(_FUZZ, max_examples=max(1, _EXAMPLES // 5))
    @given(code=hypothesmith.from_node(), place=_PLACES)
    def test_generated_from_node(code: str, place) -> None:
        _check_generated(place(code))

    @pytest.mark.slow
    @_FUZZ
    @given(code=hypothesmith.from_grammar(), cut=st.integers(min_value=0, max_value=10_000))
    def test_generated_then_truncated(code: str, cut: int) -> None:
        """Invalid source (tree=None) and a stale tree: a list, never an exception."""
        source = _in_class_body(code)
        lines = io.StringIO(source, newline=None).readlines()
        tree = _corpus.parse(lines)
        truncated = lines[: cut % (len(lines) + 1)]
        for candidate_tree in (None, tree):
            assert isinstance(check_lines(truncated, 3, candidate_tree), list)


# --------------------------------------------------------------------------
# The real thing: flake8 in a subprocess.
# --------------------------------------------------------------------------


def _flake8(
    path: Path | str | None, stdin: bytes | None = None, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "flake8", "--isolated", "--select=KS", "--keras-version=3",
               str(path) if path is not None else "-"]
    try:
        result = subprocess.run(command, capture_output=True, input=stdin, cwd=cwd, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"flake8 still running after {timeout}s (hangs?): {' '.join(command)} in {cwd}")
    result.stdout = result.stdout.decode("utf-8", "replace")
    result.stderr = result.stderr.decode("utf-8", "replace")
    return result


def _can_parse(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


TRICKY_FILES = {
    # Deep for libcst, shallow for ast and pyflakes (one Constant node).
    "deep_strings.py": DEEP_SOURCES["400 adjacent string literals"],
    "py312_syntax.py": (
        "import keras\n\n\n"
        "type Shape = tuple[int, ...]\n\n\n"
        "class Generic[T](keras.layers.Layer):\n"
        "    def __init__(self, units: T, **kwargs):\n"
        "        super().__init__(**kwargs)\n"
        "        self.name_ = f\"{kwargs[\"name\"]}\"\n\n"
        "    def call[U](self, x: U) -> U:\n"
        "        return x\n"
    ),
    "py311_syntax.py": (
        "import keras\n\n\n"
        "class Groups(keras.layers.Layer):\n"
        "    def call(self, x):\n"
        "        try:\n"
        "            pass\n"
        "        except* (ValueError, TypeError):\n"
        "            pass\n"
        "        match x:\n"
        "            case {'a': [1, *rest]} if rest:\n"
        "                pass\n"
        "        return x\n"
    ),
    "pep614_decorator.py": TRICKY_LAYOUTS["parenthesised decorator (PEP 614)"],
    "many_classes.py": "import keras\n\n\n" + "".join(
        f"class C{index}({'keras.layers.Layer' if index % 2 else 'keras.Model'}):\n"
        f"    def __init__(self, a{index}, *args):\n"
        f"        super().__init__()\n\n\n"
        for index in range(200)
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(name for name, source in TRICKY_FILES.items() if _can_parse(source)))
def test_flake8_survives(tmp_path: Path, name: str) -> None:
    source = TRICKY_FILES[name]
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    result = _flake8(path)
    _assert_flake8_ok(result)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, payload",
    [
        ("latin-1 with coding cookie",
         "# -*- coding: latin-1 -*-\nimport keras\n\n\nclass A(keras.layers.Layer):\n    x = 'é'\n".encode("latin-1")),
        ("utf-8 BOM", "\ufeffimport keras\n\n\nclass A(keras.layers.Layer):\n    pass\n".encode("utf-8")),
        ("old Mac line endings", b"import keras\r\r\rclass A(keras.layers.Layer):\r    pass\r"),
        pytest.param(
            "null byte",
            b"import keras\nx = '\x00'\nclass A(keras.layers.Layer):\n    pass\n",
            marks=pytest.mark.skipif(sys.version_info < (3, 11), reason="flake8 itself crashes on it before 3.11"),
        ),
        ("undecodable", b"import keras\nx = '\xff\xfe'\n"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_flake8_survives_odd_bytes(tmp_path: Path, name: str, payload: bytes) -> None:
    path = tmp_path / "odd.py"
    path.write_bytes(payload)
    _assert_flake8_ok(_flake8(path))
    if name != "undecodable":  # flake8 itself dies on undecodable stdin, before any plugin runs
        _assert_flake8_ok(_flake8(None, stdin=payload))


def _assert_flake8_ok(result: subprocess.CompletedProcess) -> None:
    report = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode in (0, 1), report
    assert "Traceback" not in result.stderr, report
    assert "failed during execution" not in result.stdout + result.stderr, report
    file_level = [
        line for line in result.stdout.splitlines() if "KS000" in line and FILE_LEVEL_KS000 in line
    ]
    assert file_level == [], report


# --------------------------------------------------------------------------
# The project index (versions whose check_lines take the file name read the
# other modules of the project, through an on-disk cache).
# --------------------------------------------------------------------------

MINI_PROJECT = {
    "pyproject.toml": "",
    "app/__init__.py": "",
    "app/layers.py": (
        "import keras\n\n\n"
        "@keras.saving.register_keras_serializable(package='app')\n"
        "class Block(keras.layers.Layer):\n"
        "    def __init__(self, units=1, **kwargs):\n"
        "        super().__init__(**kwargs)\n"
        "        self.units = units\n\n"
        "    def get_config(self):\n"
        "        return {**super().get_config(), 'units': self.units}\n\n\n"
        "class Plain(keras.layers.Layer):\n"
        "    pass\n"
    ),
    "child.py": "import keras\nfrom app.layers import Block\n\n\nclass Child(Block):\n    pass\n",
    "train.py": (
        "import keras\n"
        "from app.layers import Block, Plain\n\n\n"
        "def my_loss(y, p):\n"
        "    return y - p\n\n\n"
        "model = keras.Sequential([Block(), Plain()])\n"
        "model.compile(loss=my_loss, metrics=[my_loss])\n"
        "model.save('artifacts/m.keras')\n"
    ),
    "serve.py": "import keras\n\nmodel = keras.models.load_model('artifacts/m.keras')\n",
}


def _write_project(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# Summaries of the right format version whose insides are wrong: written by
# a build with another summary layout, or edited by hand. The stamps still
# match, so the files are not summarised again.
CACHE_CORRUPTIONS = {
    "imports is None": {"imports": None},
    "imports holds non-strings": {"imports": [1, None, {}]},
    "classes is a string": {"classes": "abc"},
    "classes holds an int": {"classes": [1]},
    "class without fields": {"classes": [{}]},
    "class fields of wrong types": {"classes": [{"name": 1, "kind": None, "library": 5, "generic": "x", "keys": 3,
                                                 "registered": [], "uses": 7, "line": "a"}]},
    "saves is a string": {"saves": "x"},
    "save without fields": {"saves": [{}]},
    "save path not a string": {"saves": [{"path": 1, "line": 1, "uses": 2, "compiled": None}]},
    "aliases is a list": {"aliases": []},
    "alias target not a string": {"aliases": {"Block": 1}},
    "other_classes wrong": {"other_classes": [3, {"name": "A", "bases": "keras.layers.Layer"}]},
    "functions is an int": {"functions": 5, "registered_functions": None},
    "summary is a list": [1, 2],
    "summary is None": None,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CACHE_CORRUPTIONS))
def test_corrupt_index_cache_is_not_fatal(tmp_path: Path, monkeypatch, name: str) -> None:
    project = _write_project(tmp_path / "project", MINI_PROJECT)
    cache = tmp_path / "cache"
    monkeypatch.setenv("KERAS_SERIAL_CACHE_DIR", str(cache))
    _assert_flake8_ok(_flake8(".", cwd=project))  # builds the cache
    (index_file,) = cache.glob("*.json")
    data = json.loads(index_file.read_text(encoding="utf-8"))
    corruption = CACHE_CORRUPTIONS[name]
    for entry in data["files"].values():
        entry["summary"] = {**entry["summary"], **corruption} if isinstance(corruption, dict) else corruption
    index_file.write_text(json.dumps(data), encoding="utf-8")
    _assert_flake8_ok(_flake8(".", cwd=project))


@pytest.mark.slow
def test_project_full_of_odd_files(tmp_path: Path, monkeypatch) -> None:
    """Linting one good file reads the whole project: no file in it may break
    or hang the run, not even one flake8 itself was never asked to read."""
    project = _write_project(tmp_path / "project", MINI_PROJECT)
    monkeypatch.setenv("KERAS_SERIAL_CACHE_DIR", str(tmp_path / "cache"))
    odd = project / "odd"
    odd.mkdir()
    (odd / "null_byte.py").write_bytes(b"import keras\nx = '\x00'\n")
    (odd / "undecodable.py").write_bytes(b"import keras\nx = '\xff'\n")
    (odd / "bad_cookie.py").write_bytes(b"# coding: no-such-codec\nimport keras\n")
    (odd / "syntax_error.py").write_text("import keras\nclass (:\n")
    (odd / "too_deep.py").write_text("import keras\nx = " + "+".join(["1"] * 5000) + "\n")
    (odd / "deep_class.py").write_text(DEEP_SOURCES["400 adjacent string literals"])
    (odd / "dir.py").mkdir()
    (odd / "dir.py" / "inner.py").write_text("import keras\n")
    links = [("broken.py", tmp_path / "nowhere"), ("loop", odd), ("outside.py", tmp_path / "outside.py")]
    (tmp_path / "outside.py").write_text("import keras\nclass Out(keras.layers.Layer):\n    pass\n")
    for name, target in links:
        try:
            (odd / name).symlink_to(target)
        except (OSError, NotImplementedError):
            pass  # no symlinks here (Windows without privileges)
    if hasattr(os, "mkfifo"):
        os.mkfifo(odd / "fifo.py")  # opening it for reading would block forever
    # Only good files are named: flake8 itself would choke on some odd ones.
    for target in ("serve.py", "child.py", "app/layers.py"):
        _assert_flake8_ok(_flake8(target, cwd=project, timeout=20))
