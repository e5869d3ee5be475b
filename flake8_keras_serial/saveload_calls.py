"""The save and load calls of a module, read from its `ast`.

`model.save(path)`, `keras.models.save_model(model, path)`,
`model.save_weights(path)`, `tf.saved_model.save(model, path)`,
`ModelCheckpoint(path)`, `OrbaxCheckpoint(folder)`, `load_model(path)`,
`model.load_weights(path)`, and the config-only pair `model.to_json()` /
`model_from_json(text)` (`model_from_config(config)`):
what they save or load, and the path when the source spells it (a literal,
an f-string or `os.path.join` with a literal end, or a module constant).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath

from .keras_names import api_named, dotted_name, split_keras_name, values_assigned_in
from .module_facts import KerasClass, ModuleFacts

SAVE = "save"
SAVE_WEIGHTS = "save_weights"
TF_SAVED_MODEL = "tf.saved_model.save"
CHECKPOINT = "ModelCheckpoint"
ORBAX_CHECKPOINT = "OrbaxCheckpoint"  # keras.callbacks.OrbaxCheckpoint (Keras >= 3.13): a folder of checkpoints
LOAD_MODEL = "load_model"
LOAD_WEIGHTS = "load_weights"
TO_JSON = "to_json"  # the architecture as JSON text: no path, no weights, no compile settings
MODEL_FROM_JSON = "model_from_json"
MODEL_FROM_CONFIG = "model_from_config"
CONFIG_LOADS = (MODEL_FROM_JSON, MODEL_FROM_CONFIG)  # rebuild a model from a config: need its custom objects


@dataclass
class PathArgument:
    node: ast.expr | None
    literal: str | None = None  # the whole path, when the source spells it
    suffix: str | None = None  # its literal end (enough to know the extension)
    prefix: str | None = None  # its literal start (`f"hf://{repo}"`: enough to know the scheme)

    @property
    def known_start(self) -> str | None:
        return self.literal if self.literal is not None else self.prefix

    def is_hub_path(self) -> bool:
        """A Hugging Face Hub path (`hf://owner/repo`)."""
        return (self.known_start or "").startswith("hf://")

    def key(self) -> str | None:
        """What identifies the path within a file: its literal, else the name holding it."""
        if self.literal is not None:
            return self.literal
        name = dotted_name(self.node) if self.node is not None else None
        return f"<name {name}>" if name else None

    @property
    def known_end(self) -> str | None:
        return self.literal if self.literal is not None else self.suffix

    def ends_with(self, *extensions: str) -> bool | None:
        """True/False when the path's end is known, None when it is not."""
        end = self.known_end
        if end is None:
            return None
        return end.lower().endswith(extensions)

    def has_extension(self) -> bool | None:
        end = self.known_end
        if end is None:
            return None
        last = end.replace("\\", "/").rsplit("/", 1)[-1]
        return "." in last.strip(".")


@dataclass
class SaveLoadCall:
    kind: str
    call: ast.Call
    model: ast.expr | None  # the model saved or loaded into (None for load_model)
    path: PathArgument
    keywords: dict[str, ast.expr] = field(default_factory=dict)
    scope: ast.AST | None = None  # the function (or module) the call is in

    @property
    def position(self) -> tuple[int, int]:
        return self.call.lineno, self.call.col_offset

    def keyword_is(self, name: str, value: object) -> bool:
        node = self.keywords.get(name)
        return isinstance(node, ast.Constant) and node.value == value

    def save_format(self) -> str | None:
        node = self.keywords.get("save_format")
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    def writes_hdf5(self) -> bool:
        """The path ends in .h5/.hdf5, or save_format= says HDF5 (tf_keras takes "h5" and "hdf5")."""
        return self.path.ends_with(".h5", ".hdf5") is True or self.save_format() in ("h5", "hdf5")


def find_save_load_calls(facts: ModuleFacts) -> list[SaveLoadCall]:
    """The file's save and load calls, in source order (worked out once per file's facts)."""
    if "save_load_calls" not in facts.memo:
        facts.memo["save_load_calls"] = _find_save_load_calls(facts)
    return facts.memo["save_load_calls"]


def _find_save_load_calls(facts: ModuleFacts) -> list[SaveLoadCall]:
    found = [entry for call in facts.calls if (entry := _classify(facts, call)) is not None]
    if found and facts.tree is not None:  # scopes cost a walk: only files that save or load pay it
        scopes = call_scopes(facts.tree)
        for entry in found:
            entry.scope = scopes.get(id(entry.call))
    found.sort(key=lambda entry: (entry.call.lineno, entry.call.col_offset))
    return found


def call_scopes(tree: ast.Module) -> dict[int, ast.AST]:
    """id(call) -> the function (or module) it is in."""
    return {id(call): scope for scope, call in _calls_with_scope(tree)}


def _calls_with_scope(tree: ast.Module):
    stack: list[tuple[ast.AST, ast.AST]] = [(tree, tree)]
    while stack:
        scope, node = stack.pop()
        for child in ast.iter_child_nodes(node):
            child_scope = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) else scope
            if isinstance(child, ast.Call):
                yield scope, child
            stack.append((child_scope, child))


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    if len(call.args) > position and not any(isinstance(arg, ast.Starred) for arg in call.args[: position + 1]):
        return call.args[position]
    return None


def _classify(facts: ModuleFacts, call: ast.Call) -> SaveLoadCall | None:
    keywords = {item.arg: item.value for item in call.keywords if item.arg}
    func = call.func
    keras_name = facts.imports.keras_name(func)
    qualified = facts.imports.qualify(func)
    if keras_name is not None:
        if api_named(keras_name, "load_model", *CONFIG_LOADS) and "custom_objects" not in keywords:
            # custom_objects is the second parameter of every Keras and tf_keras load_model,
            # model_from_json and model_from_config: `load_model(path, {"Block": Block})`.
            given = _argument(call, 1, "custom_objects")
            if given is not None:
                keywords["custom_objects"] = given
        if api_named(keras_name, "load_model"):
            return SaveLoadCall(LOAD_MODEL, call, None, path_argument(facts, _argument(call, 0, "filepath")), keywords)
        if api_named(keras_name, "save_model"):
            model = _argument(call, 0, "model")
            return SaveLoadCall(SAVE, call, model, path_argument(facts, _argument(call, 1, "filepath")), keywords)
        if api_named(keras_name, "ModelCheckpoint"):
            return SaveLoadCall(CHECKPOINT, call, None, path_argument(facts, _argument(call, 0, "filepath")), keywords)
        if api_named(keras_name, *CONFIG_LOADS):
            return SaveLoadCall(keras_name.last, call, None, PathArgument(None), keywords)
        if api_named(keras_name, "OrbaxCheckpoint"):
            folder = path_argument(facts, _argument(call, 0, "directory"))
            return SaveLoadCall(ORBAX_CHECKPOINT, call, None, folder, keywords)
        return None
    if qualified == "tensorflow.saved_model.save":
        model = _argument(call, 0, "obj")
        path = path_argument(facts, _argument(call, 1, "export_dir"))
        return SaveLoadCall(TF_SAVED_MODEL, call, model, path, keywords)
    if isinstance(func, ast.Attribute) and func.attr in (SAVE, SAVE_WEIGHTS, LOAD_WEIGHTS, TO_JSON):
        if facts.imports.qualify(func.value) is not None or not is_model_expression(facts, func.value):
            return None  # `np.save(...)`, `image.save(...)`: not a Keras model
        return SaveLoadCall(func.attr, call, func.value, path_argument(facts, _argument(call, 0, "filepath")), keywords)
    return None


def path_argument(facts: ModuleFacts, node: ast.expr | None, depth: int = 0) -> PathArgument:
    """What the source says about a path expression."""
    path = PathArgument(node)
    if node is None or depth > 8:  # `p = os.path.join(root, p)`: no end to follow
        return path
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        path.literal = node.value
    elif isinstance(node, ast.JoinedStr) and node.values:
        first, last = node.values[0], node.values[-1]
        if isinstance(last, ast.Constant) and isinstance(last.value, str):
            path.suffix = last.value
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            path.prefix = first.value
    elif isinstance(node, ast.Name):
        values = facts.module_constants.get(node.id)
        if values is not None:
            return path_argument(facts, values, depth + 1)
        # A name given one value in the whole file, often a function's local
        # (`checkpoint_path = "/tmp/checkpoint"`, `saved_dir = os.path.join(tmp, "gp_model")`):
        # what that value says, kept under the name. Several values: unknown.
        assigned = facts.assignments.get(node.id, [])
        if len(assigned) == 1 and isinstance(assigned[0], (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Call)):
            found = path_argument(facts, assigned[0], depth + 1)
            path.literal, path.suffix, path.prefix = found.literal, found.suffix, found.prefix
            if isinstance(assigned[0], (ast.Constant, ast.JoinedStr)):
                return found
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):  # Path(...) / "m.keras"
        path.suffix = path_argument(facts, node.right, depth + 1).known_end
    elif isinstance(node, ast.Call) and node.args and (dotted_name(node.func) or "").endswith("path.join"):
        path.suffix = path_argument(facts, node.args[-1], depth + 1).known_end
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        path.suffix = path_argument(facts, node.func.value, depth + 1).known_end
    return path


# --- What a model expression is ---------------------------------------------

_MODEL_FACTORIES = ("Model", "Sequential", "load_model", "clone_model", "model_from_json", "model_from_config")


def model_classes(facts: ModuleFacts, node: ast.expr) -> list[KerasClass]:
    """The in-file custom model classes `node` may be an instance of."""
    found = []
    for value in _assigned_values(facts, node):
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            local = facts.class_named(value.func.id)
            if local is not None and local.kind == "model":
                found.append(local)
    return found


def model_library(facts: ModuleFacts, node: ast.expr) -> str | None:
    """The Keras library (`keras`, `tf.keras`, `tf_keras`) whose call or class built the
    model `node`, when the file shows it: `keras.Sequential(...)`, `m = tf.keras.Model(...)`,
    `m = MyModel()` of an in-file class."""
    for value in _assigned_values(facts, node):
        if not isinstance(value, ast.Call):
            continue
        if isinstance(value.func, ast.Name) and (local := facts.class_named(value.func.id)) is not None:
            if local.kind == "model":
                return local.library
            continue
        keras_name = split_keras_name(facts.imports.qualify(value.func))
        if api_named(keras_name, "Model", "Sequential", "load_model", "clone_model"):
            return keras_name.library
    return None


def is_model_expression(facts: ModuleFacts, node: ast.expr) -> bool:
    """A Keras model, judged from how it was made, or (when that is not in
    the file) from a name that says so (`model`, `self.model`, `vae_model`)."""
    for value in _assigned_values(facts, node):
        if isinstance(value, ast.Call) and _makes_model(facts, value):
            return True
    if _holds_plain_object(facts, node):
        return False
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return _names_a_model(name)


def _holds_plain_object(facts: ModuleFacts, node: ast.expr) -> bool:
    """`self.model = Graph()` where Graph is a class of this file with no base class: every
    value the file gives the name is an instance of such a class, so its save() is the
    class's own, whatever the name says."""
    if isinstance(node, ast.Attribute):
        shown = dotted_name(node)
        values = [assign.value for assign, target in facts.attribute_assignments if dotted_name(target) == shown]
    else:
        values = _assigned_values(facts, node)
    if not values or not all(isinstance(value, ast.Call) and isinstance(value.func, ast.Name) for value in values):
        return False
    if any(value.func.id in facts.functions or facts.class_named(value.func.id) for value in values):
        return False  # a factory function's result, or a Keras class of the file
    plain = _baseless_classes(facts.tree) if facts.tree is not None else set()
    return all(value.func.id in plain for value in values)


def _baseless_classes(tree: ast.Module) -> set[str]:
    """The classes of the module with no base class (or only `object`): no Keras class."""
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and all(isinstance(base, ast.Name) and base.id == "object" for base in node.bases)
    }


# The words of an identifier: snake_case parts, camelCase humps, digits apart.
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _names_a_model(name: str) -> bool:
    """`model`, `vae_model`, `kerasModel`, `model2`: one of the name's words is "model".
    Not `hypermodel` (a keras_tuner HyperModel or an autokeras graph: their save() writes
    their own files, not a Keras model)."""
    return any(word.lower() == "model" for word in _WORDS.findall(name))


def _assigned_values(facts: ModuleFacts, node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.Name):
        return facts.assignments.get(node.id, [])
    if isinstance(node, ast.Call):
        return [node]
    return []


def _makes_model(facts: ModuleFacts, call: ast.Call, seen: frozenset[str] = frozenset()) -> bool:
    if isinstance(call.func, ast.Name):
        local = facts.class_named(call.func.id)
        if local is not None:
            return local.kind == "model"
        function = facts.functions.get(call.func.id)
        if function is not None and function.name not in seen:
            inner_seen = seen | {function.name}
            return any(
                isinstance(node, ast.Return)
                and isinstance(node.value, ast.Call)
                and _makes_model(facts, node.value, inner_seen)
                for node in ast.walk(function)
            )
    keras_name = split_keras_name(facts.imports.qualify(call.func))
    return api_named(keras_name, *_MODEL_FACTORIES)


def writes_model_config(entry: SaveLoadCall) -> bool:
    """A save whose file holds the model's config (what load_model() rebuilds): not a
    ModelCheckpoint(..., save_weights_only=True), which writes weights only."""
    return not (entry.kind == CHECKPOINT and entry.keyword_is("save_weights_only", True))


def saved_just_before(calls: list[SaveLoadCall], load: SaveLoadCall) -> bool:
    """A save earlier in the load's own function writes what it loads (a test's round trip): the
    same path as written (literal, variable, or the expression a name was bound to) for
    load_model(), any to_json() for a config load."""
    for save in calls:
        if save.scope is not load.scope or save.call.lineno > load.call.lineno:
            continue
        if load.kind in CONFIG_LOADS:
            if save.kind == TO_JSON:
                return True
        elif save.kind in (SAVE, CHECKPOINT) and (path := _spelled(load)) is not None and _spelled(save) == path:
            return True
    return False


def _spelled(entry: SaveLoadCall) -> str | None:
    node = entry.path.node
    return entry.path.key() or (ast.dump(node) if node is not None else None)


def spelled(facts: ModuleFacts, node: ast.expr | None) -> str | None:
    """A path expression as `_spelled` compares it: its literal, the name holding it, or its code."""
    if node is None:
        return None
    return path_argument(facts, node).key() or ast.dump(node)


def local_path_end(facts: ModuleFacts, entry: SaveLoadCall) -> str | None:
    """The call's path's known end, or else that of the one value its function gives the name
    holding it (`filepath = os.path.join(temp_dir, "model.keras")` in a file that binds
    `filepath` in several functions)."""
    if entry.path.known_end is not None:
        return entry.path.known_end
    node, scope = entry.path.node, entry.scope
    if not isinstance(node, ast.Name) or not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    values = values_assigned_in(scope, node.id)
    return path_argument(facts, values[0]).known_end if len(values) == 1 else None


@lru_cache(maxsize=4096)  # the same few paths, compared for every save and load of a project
def file_name(path: str | None) -> str | None:
    """The last part of a path as the source spells it (`/` or `\\`): how a load is matched to
    the saves of other files (KS301, KS305, KS306)."""
    return PurePosixPath(path.replace("\\", "/")).name if path else None
