"""Keras's names re-exported by a project's own modules (`from mypkg.compat import keras`).

A module whose top level binds a Keras name (`from tensorflow import keras`,
`import tf_keras as keras`, `keras = tf.keras`, `register =
keras.saving.register_keras_serializable`, `from keras import *`) exports it to the
rest of the project. Its summary in the project index says so (`exports`); the index
then resolves `mypkg.compat.keras.layers.Layer`, as another module spells it, to
`tf_keras.layers.Layer`, following chains of such modules.
"""

from __future__ import annotations

from .keras_names import ImportMap, split_keras_name
from .module_facts import ModuleFacts, reexported_registration_wrappers

# Exported besides Keras's own names: `from mypkg.compat import tf` then `tf.keras.layers.Layer`.
_ALSO_EXPORTED = ("tensorflow",)


def export_summary(imports: ImportMap, facts: ModuleFacts | None = None) -> dict:
    """The summary section (only what is there): {"keras_exports": {name: dotted}, "keras_star": dotted,
    "reexport_wrappers": {registering decorator: the register API through a re-exported name}}."""
    exports = {
        local: target
        for local, target in sorted(imports.items())
        if local in imports.module_level
        and (split_keras_name(target) is not None or target.partition(".")[0] in _ALSO_EXPORTED)
    }
    section: dict = {}
    if exports:
        section["keras_exports"] = exports
    if imports.star_keras is not None:
        section["keras_star"] = imports.star_keras
    if facts is not None and (wrappers := reexported_registration_wrappers(facts)):
        section["reexport_wrappers"] = wrappers
    return section


def valid_export_summary(summary: dict) -> bool:
    star = summary.get("keras_star", "")
    return isinstance(star, str) and all(
        isinstance(mapping, dict)
        and all(isinstance(key, str) and isinstance(value, str) for key, value in mapping.items())
        for mapping in (summary.get("keras_exports", {}), summary.get("reexport_wrappers", {}))
    )


def reexported_wrapper(index, module: str, name: str) -> str | None:
    """The Keras register API (dotted) that `module`'s registering decorator `name` calls through a
    re-exported Keras name (keras-cv's `keras_cv_export`)."""
    spelled = index.modules[module].get("reexport_wrappers", {}).get(name)
    found = resolve_reexport(index, spelled) if spelled else None
    return found if split_keras_name(found) is not None else None


def resolve_reexport(index, qualified: str, seen: frozenset[str] = frozenset()) -> str | None:
    """The Keras (or TensorFlow) dotted name `qualified`, a name inside the project, stands for;
    `index` is the ProjectIndex. None when it is not one (or a cycle)."""
    if qualified in seen or len(seen) > 20:
        return None
    seen = seen | {qualified}
    parts = qualified.split(".")
    for cut in range(len(parts), 0, -1):
        module = index.resolve_module(".".join(parts[:cut]))
        if module is None:
            continue
        summary = index.modules[module]
        rest = parts[cut:]
        if not rest:  # the module itself: `from keras_tuner.backend import keras` of a `from keras import *` module
            return summary.get("keras_star")
        head, tail = rest[0], "".join(f".{part}" for part in rest[1:])
        if head in summary.get("keras_exports", {}):
            return summary["keras_exports"][head] + tail
        if head in summary.get("aliases", {}):  # imported there from another module of the project
            return resolve_reexport(index, summary["aliases"][head] + tail, seen)
        star = summary.get("keras_star")
        if star and head not in summary.get("functions", []):  # a name `from keras import *` brings
            return f"{star}.{head}{tail}"
        return None
    return None
