"""How one module saves and loads whole models, for the project index: what KS105 and
KS101 need to know that a class's registered name or config is never read.

* `full_saves`: every save that writes a model's config (`save`, `save_model`,
  `ModelCheckpoint` without `save_weights_only=True`, `tf.saved_model.save`,
  `to_json()`, and a `.save(...)` on anything that may be a model), each marked
  `savedmodel` when it writes a folder (a path known to have no extension);
* `weight_saves`: `save_weights()` and weights-only checkpoints;
* `loads`: every `load_model` / `model_from_json` / `model_from_config`, with the
  names its `custom_objects` (or an enclosing `custom_object_scope`) gives, as far
  as the file spells them;
* `listed`: every name any such dict of the file gives.

Plain JSON (see module_summary.valid_summary)."""

from __future__ import annotations

import ast

from .keras_names import api_named
from .module_facts import ModuleFacts
from .saveload_calls import (
    CHECKPOINT,
    CONFIG_LOADS,
    TO_JSON,
    LOAD_MODEL,
    ORBAX_CHECKPOINT,
    SAVE,
    SAVE_WEIGHTS,
    TF_SAVED_MODEL,
    find_save_load_calls,
    path_argument,
)

_KERAS_EXTENSIONS = (".keras", ".h5", ".hdf5")
_MODEL_FROM = ("model_from_json", "model_from_config", "model_from_yaml")
_SCOPES = ("custom_object_scope", "CustomObjectScope")


_WORDS = ("save", "load_model", "to_json", "model_from_", "Checkpoint")


def mentions_model_io(lines: list[str]) -> bool:
    """Cheap pre-filter for a file that does not spell "keras": can it save or load a model?"""
    return any(word in line for line in lines for word in _WORDS)


def model_io(facts: ModuleFacts) -> dict:
    full_saves: list[dict] = []
    weight_saves = 0
    loads: list[dict] = []
    listed: set[str] = set()
    scopes = _scopes(facts, listed)
    classified = set()
    for entry in find_save_load_calls(facts):
        classified.add(id(entry.call))
        if entry.kind == SAVE_WEIGHTS or (entry.kind == CHECKPOINT and entry.keyword_is("save_weights_only", True)):
            weight_saves += 1
        elif entry.kind in (SAVE, CHECKPOINT, ORBAX_CHECKPOINT):
            savedmodel = entry.path.has_extension() is False and entry.save_format() in (None, "tf")
            hdf5 = entry.writes_hdf5()
            full_saves.append(
                {"line": entry.call.lineno, "savedmodel": savedmodel and entry.kind != ORBAX_CHECKPOINT, "h5": hdf5}
            )
        elif entry.kind == TF_SAVED_MODEL:
            full_saves.append({"line": entry.call.lineno, "savedmodel": True})
        elif entry.kind == LOAD_MODEL:
            loads.append(_load(facts, entry.call, entry.keywords.get("custom_objects"), scopes, listed, entry.path))
        elif entry.kind == TO_JSON:
            full_saves.append({"line": entry.call.lineno, "savedmodel": False})
        elif entry.kind in CONFIG_LOADS:
            loads.append(_load(facts, entry.call, entry.keywords.get("custom_objects"), scopes, listed, None))
    for call in facts.calls:
        if id(call) in classified:
            continue
        keras_name = facts.imports.keras_name(call.func)
        if api_named(keras_name, *_MODEL_FROM):
            given = next((item.value for item in call.keywords if item.arg == "custom_objects"), None)
            if given is None and len(call.args) > 1:
                given = call.args[1]
            loads.append(_load(facts, call, given, scopes, listed, None))
        elif keras_name is None and isinstance(call.func, ast.Attribute):
            if call.func.attr == "to_json" and not call.args:
                full_saves.append({"line": call.lineno, "savedmodel": False})
            elif call.func.attr == "save" and _may_save_a_model(facts, call):
                end = path_argument(facts, call.args[0] if call.args else None)
                full_saves.append(
                    {"line": call.lineno, "savedmodel": end.has_extension() is False, "h5": bool(end.ends_with(".h5"))}
                )
    return {"full_saves": full_saves, "weight_saves": weight_saves, "loads": loads, "listed": sorted(listed)}


def _may_save_a_model(facts: ModuleFacts, call: ast.Call) -> bool:
    """A `.save(...)` not known to be a model's: not `np.save`, and not to a path with another extension."""
    if facts.imports.qualify(call.func.value) is not None:
        return False
    path = path_argument(facts, call.args[0] if call.args else None)
    return not (path.has_extension() and not path.ends_with(*_KERAS_EXTENSIONS))


def _load(facts: ModuleFacts, call: ast.Call, given, scopes, listed: set[str], path) -> dict:
    names = set(_dict_keys(facts, given)) if given is not None else set()
    listed |= names
    for first, last, scoped in scopes:
        if first <= call.lineno <= last:
            names |= scoped
    return {
        "line": call.lineno,
        "savedmodel": path is not None and path.has_extension() is False,
        "custom_objects": sorted(names),
    }


def _scopes(facts: ModuleFacts, listed: set[str]) -> list[tuple[int, int, set[str]]]:
    """(first line, last line, names) of each `with custom_object_scope(...)`; every scope call's
    names go into `listed`."""
    found = []
    for call in facts.calls:
        if api_named(facts.imports.keras_name(call.func), *_SCOPES):
            names = set()
            for argument in call.args:
                names |= set(_dict_keys(facts, argument))
            listed |= names
    if facts.tree is None:
        return found
    for node in ast.walk(facts.tree):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                expression = item.context_expr
                if isinstance(expression, ast.Call) and api_named(facts.imports.keras_name(expression.func), *_SCOPES):
                    names = set()
                    for argument in expression.args:
                        names |= set(_dict_keys(facts, argument))
                    found.append((node.lineno, node.end_lineno or node.lineno, names))
    return found


def _dict_keys(facts: ModuleFacts, node: ast.expr, seen: frozenset[str] = frozenset()) -> list[str]:
    """The string keys a dict expression surely has: `{"Scale": Scale}`, `dict(Scale=Scale)`, or a
    name the file assigns one such dict (`CUSTOM = {...}`)."""
    if isinstance(node, ast.Dict):
        keys = [key.value for key in node.keys if isinstance(key, ast.Constant) and isinstance(key.value, str)]
        for key, value in zip(node.keys, node.values):
            if key is None:  # {**OTHER, ...}
                keys += _dict_keys(facts, value, seen)
        return keys
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
        return [item.arg for item in node.keywords if item.arg]
    if isinstance(node, ast.Name) and node.id not in seen:
        assigned = facts.assignments.get(node.id, [])
        if len(assigned) == 1:
            return _dict_keys(facts, assigned[0], seen | {node.id})
    return []


def valid_model_io(value: object) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("weight_saves"), int):
        return False
    saves, loads, listed = value.get("full_saves"), value.get("loads"), value.get("listed")
    return (
        isinstance(saves, list)
        and all(
            isinstance(item, dict) and isinstance(item.get("savedmodel"), bool)
            and isinstance(item.get("h5", False), bool)
            for item in saves
        )
        and isinstance(loads, list)
        and all(
            isinstance(item, dict)
            and isinstance(item.get("savedmodel"), bool)
            and isinstance(item.get("custom_objects"), list)
            and all(isinstance(name, str) for name in item["custom_objects"])
            for item in loads
        )
        and isinstance(listed, list)
        and all(isinstance(name, str) for name in listed)
    )


# --- What the project's model I/O decides (the summaries of every module) ----


def _all_io(summaries) -> list[dict]:
    return [summary["model_io"] for summary in summaries if summary.get("model_io")]


def only_weights_saved(summaries) -> bool:
    """The project saves weights (save_weights, weights-only checkpoints) and never a whole
    model, and loads none: no config is written and no class name is looked up."""
    found = _all_io(summaries)
    if any(io["full_saves"] or io["loads"] for io in found):
        return False
    return any(io["weight_saves"] for io in found)


def saves_hdf5(summaries) -> bool:
    """Some whole-model save of the project writes HDF5 (`.h5`/`.hdf5`, `save_format="h5"`)."""
    return any(save.get("h5") for io in _all_io(summaries) for save in io["full_saves"])


def every_load_passes(summaries, name: str) -> bool:
    """The project's own custom_objects dicts (of a load, or of a custom_object_scope) list
    `name`, and every model load of the project is given it."""
    found = _all_io(summaries)
    if not any(name in io["listed"] for io in found):
        return False
    return all(name in load["custom_objects"] for io in found for load in io["loads"])


def only_savedmodel_folders(summaries) -> bool:
    """Every whole-model save and every load of the project is a SavedModel folder (a path
    known to have no extension): under Keras 2 it loads without the custom classes' code."""
    found = _all_io(summaries)
    saves = [save for io in found for save in io["full_saves"]]
    loads = [load for io in found for load in io["loads"]]
    return bool(saves) and all(item["savedmodel"] for item in [*saves, *loads])
