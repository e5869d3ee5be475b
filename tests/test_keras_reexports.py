"""Keras's names as a module's top level binds them (keras_names.bind_module_level) and as other
modules of the project import them (keras_reexports)."""

import ast
import textwrap
from pathlib import Path

import pytest

from flake8_keras_serial.keras_reexports import export_summary, resolve_reexport
from flake8_keras_serial.module_facts import collect_module_facts
from flake8_keras_serial.module_summary import summarize, valid_summary
from flake8_keras_serial.project_index import ProjectIndex


def facts_of(source: str, major: int = 3):
    return collect_module_facts(ast.parse(textwrap.dedent(source)), major)


def qualified(source: str, name: str, major: int = 3) -> str | None:
    return facts_of(source, major).imports.qualify_dotted(name)


OPTIONAL = """
    try:
        import keras
    except ImportError:
        import tf_keras as keras
"""
LEGACY_FIRST = """
    try:
        import tf_keras as keras
    except (ImportError, AttributeError):
        from tensorflow import keras
"""
VERSION_TEST = """
    import tensorflow as tf
    if tf.__version__ < "2.16":
        from tensorflow import keras
    else:
        import keras
"""
NOT_A_VERSION_TEST = """
    import sys
    if sys.platform == "win32":
        import tf_keras as keras
    else:
        import keras
"""
# tensorflow/model-optimization's compat module.
FUNCTION = """
    import os
    import tensorflow as tf

    def _get_keras_instance():
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        version_fn = getattr(tf.keras, "version", None)
        if version_fn and version_fn().startswith("3."):
            import tf_keras as keras_internal
        else:
            keras_internal = tf.keras
        return keras_internal

    keras = _get_keras_instance()
"""


@pytest.mark.parametrize(
    ("source", "name", "major", "expected"),
    [
        ("import tensorflow as tf\nkeras = tf.keras\nlayers = keras.layers\n", "layers.Layer", 3,
         "tensorflow.keras.layers.Layer"),
        ("import keras\nregister = keras.saving.register_keras_serializable\n", "register", 3,
         "keras.saving.register_keras_serializable"),
        (OPTIONAL, "keras.layers.Layer", 3, "keras.layers.Layer"),
        (OPTIONAL, "keras.layers.Layer", 2, "tf_keras.layers.Layer"),
        (LEGACY_FIRST, "keras.Model", 2, "tf_keras.Model"),
        (LEGACY_FIRST, "keras.Model", 3, "tensorflow.keras.Model"),  # tf.keras is the targeted Keras 3
        (VERSION_TEST, "keras.Model", 3, "keras.Model"),
        (VERSION_TEST, "keras.Model", 2, "tensorflow.keras.Model"),
        (NOT_A_VERSION_TEST, "keras.Model", 3, "tf_keras.Model"),  # not a version test: the first branch
        (FUNCTION, "keras.layers.Layer", 2, "tf_keras.layers.Layer"),
        (FUNCTION, "keras.layers.Layer", 3, "tensorflow.keras.layers.Layer"),
        ("import keras\nkeras = make_namespace()\n", "keras.layers.Layer", 3, None),  # rebound: not Keras
    ],
)
def test_top_level_aliases(source, name, major, expected):
    assert qualified(source, name, major) == expected


def test_a_class_on_an_alias_of_an_alias_is_a_keras_class():
    facts = facts_of("import tensorflow as tf\nkeras = tf.keras\nL = keras.layers\nclass A(L.Layer):\n    pass\n")
    assert [(item.name, item.kind, item.library) for item in facts.classes] == [("A", "layer", "tf.keras")]


def test_exports_are_the_top_levels_keras_names():
    facts = facts_of("""
        import numpy as np
        import tensorflow as tf
        keras = tf.keras
        def f():
            import tf_keras
        if multi_backend():
            from keras import *
        else:
            from tensorflow.keras import *
    """)
    assert export_summary(facts.imports) == {
        "keras_exports": {"keras": "tensorflow.keras", "tf": "tensorflow"},
        "keras_star": "keras",
    }


def summary(source: str, context: str) -> dict:
    source = textwrap.dedent(source)
    found = summarize(ast.parse(source), source.splitlines(True), 3, context)
    assert valid_summary(found)
    return found


def test_the_index_follows_reexports_and_chains_of_them():
    index = ProjectIndex(Path("."), 3)
    compat = "import tf_keras as keras\nregister = keras.saving.register_keras_serializable\n"
    index.modules["pkg.compat"] = summary(compat, "pkg.compat")
    index.modules["pkg.api"] = summary("from pkg.compat import keras  # keras\n", "pkg.api")
    index.modules["pkg.backend.keras"] = summary("from keras import *  # noqa\n", "pkg.backend.keras")
    index.modules["pkg.fake"] = summary("keras = object()  # keras\n", "pkg.fake")
    assert resolve_reexport(index, "pkg.compat.keras.layers.Layer") == "tf_keras.layers.Layer"
    assert resolve_reexport(index, "pkg.compat.register") == "tf_keras.saving.register_keras_serializable"
    assert resolve_reexport(index, "pkg.api.keras.Model") == "tf_keras.Model"
    assert resolve_reexport(index, "pkg.backend.keras") == "keras"
    assert resolve_reexport(index, "pkg.backend.keras.layers.Dense") == "keras.layers.Dense"
    assert resolve_reexport(index, "pkg.fake.keras.Layer") is None
    assert resolve_reexport(index, "pkg.nothing.keras") is None
