"""KS302-KS308: save and load calls that fail, whatever the classes look like."""

from __future__ import annotations

import ast
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..keras_names import api_named, dotted_name, is_main_guard
from ..model_io import _dict_keys as dict_keys
from ..model_io import every_load_passes
from ..module_facts import collect_module_facts
from ..saveload_calls import (
    CHECKPOINT,
    LOAD_MODEL,
    LOAD_WEIGHTS,
    ORBAX_CHECKPOINT,
    SAVE,
    SAVE_WEIGHTS,
    TF_SAVED_MODEL,
    SaveLoadCall,
    file_name,
    find_save_load_calls,
    is_model_expression,
    local_path_end,
    model_classes,
    saved_just_before,
    spelled,
    writes_model_config,
)
from .base import Finding, ModuleContext, Rule
from .lambda_globals import missing_globals

H5 = (".h5", ".hdf5")


class SubclassedModelToH5(Rule):
    code = "KS302"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        for entry in module.save_load_calls:
            if entry.kind != SAVE or entry.model is None:
                continue
            classes = model_classes(module.facts, entry.model)
            if not classes:
                continue
            major = module.major_of_call(entry)
            to_h5 = entry.path.ends_with(*H5) is True or (major == 2 and entry.save_format() == "h5")
            if not to_h5:
                continue
            if major == 2:
                effect = "Keras 2 raises NotImplementedError: HDF5 needs a Functional or Sequential model"
            else:
                effect = "Keras 3 writes the file, but a subclassed model saved as .h5 never loads back"
            yield self.finding(
                entry.position,
                f"saving the subclassed model {classes[0].name} to HDF5: {effect}; save it to a .keras file",
            )


class CustomObjectsInSave(Rule):
    code = "KS303"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        for entry in module.save_load_calls:
            if entry.kind == SAVE and "custom_objects" in entry.keywords:
                yield self.finding(
                    entry.position,
                    "save() has no custom_objects argument: it raises ValueError (TypeError for Keras 2 .h5); "
                    "remove it, and register the classes or pass custom_objects to load_model()",
                )


class UnsafeDeserialization(Rule):
    code = "KS304"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        for entry in module.save_load_calls:
            if entry.kind == LOAD_MODEL and entry.keyword_is("safe_mode", False):
                if saved_just_before(module.save_load_calls, entry):
                    continue  # a round trip of the file this function has just written: its own code
                if _pickle_round_trip(module, entry):
                    continue  # the module's own bytes, written back to a temporary file
                yield self.finding(
                    entry.position,
                    "load_model(..., safe_mode=False) runs the Python bytecode stored in the file: loading a file "
                    "from anyone else executes their code; replace Lambda layers with registered custom layers "
                    "and keep safe_mode on",
                )
        test_main = _test_main_calls(module)
        for call in module.facts.calls:
            if api_named(module.facts.imports.keras_name(call.func), "enable_unsafe_deserialization"):
                if id(call) in test_main:
                    continue  # the test runner's process, which loads only the files its tests write
                yield self.finding(
                    (call.lineno, call.col_offset),
                    "enable_unsafe_deserialization() lets every later load run the Python bytecode stored in "
                    "files: loading a file from anyone else executes their code; use registered custom layers "
                    "instead of Lambda",
                )


def _test_main_calls(module: ModuleContext) -> set[int]:
    """id() of the calls under a test module's `if __name__ == "__main__":` (`tf.test.main()`'s
    set-up: the process that runs the module's tests and nothing else)."""
    tree = module.facts.tree
    if tree is None or not module.is_test_module:
        return set()
    return {
        id(node)
        for statement in tree.body
        if isinstance(statement, ast.If) and is_main_guard(statement.test)
        for part in statement.body
        for node in ast.walk(part)
        if isinstance(node, ast.Call)
    }


def _library_module(module: ModuleContext) -> bool:
    """A module of a package with no `if __name__ == "__main__":` block: a library module, which
    the process that loads its models imports (tf_keras finds the function's module in
    sys.modules, and its names with it). A script's names are missing in the loading process."""
    tree = module.facts.tree
    if module.project is None or "." not in module.project.module or tree is None:
        return False
    return not any(isinstance(statement, ast.If) and is_main_guard(statement.test) for statement in tree.body)


def _pickle_round_trip(module: ModuleContext, load: SaveLoadCall) -> bool:
    """The load reads bytes back through a temporary file, as a pickle's `__reduce__` does
    (tf_keras pickle_utils): its function makes a temporary folder, writes the file with
    open(path, "wb") just before the load, and another function of the module saves a model
    to the same file name. The bytes are the module's own serialization, and unpickling
    already runs whatever code the pickle holds."""
    scope = load.scope
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    path = spelled(module.facts, load.path.node)
    name = file_name(local_path_end(module.facts, load))
    if path is None or name is None or not _makes_temporary_path(module.facts, scope):
        return False
    if not _writes_before(module.facts, scope, path, load.call.lineno):
        return False
    return any(
        entry.kind == SAVE
        and entry.scope is not scope
        and isinstance(entry.scope, (ast.FunctionDef, ast.AsyncFunctionDef))
        and _makes_temporary_path(module.facts, entry.scope)
        and file_name(local_path_end(module.facts, entry)) == name
        for entry in module.save_load_calls
    )


def _makes_temporary_path(facts, function: ast.AST) -> bool:
    """The function calls the standard library's tempfile (mkdtemp, TemporaryDirectory, ...)."""
    return any(
        isinstance(node, ast.Call) and (facts.imports.qualify(node.func) or "").startswith("tempfile.")
        for node in ast.walk(function)
    )


def _writes_before(facts, function: ast.AST, path: str, line: int) -> bool:
    """An `open(path, "w...")` in the function before `line`, `path` spelled as the load spells it."""
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open"):
            continue
        if node.lineno >= line or len(node.args) < 2:
            continue
        mode = node.args[1]
        if isinstance(mode, ast.Constant) and str(mode.value).startswith("w") and spelled(facts, node.args[0]) == path:
            return True
    return False


class LambdaInSavedModel(Rule):
    code = "KS305"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        for call in facts.calls:
            keras_name = facts.imports.keras_name(call.func)
            if not api_named(keras_name, "Lambda"):
                continue
            # Weights-only writes store no config: the Lambda is rebuilt by this code on load. Left out
            # after the function's own saves are picked, so one that writes only weights saves no model.
            saves = [entry for entry in module.saves_near(call, (SAVE, CHECKPOINT)) if writes_model_config(entry)]
            if not saves:
                continue
            function = call.args[0] if call.args else next(
                (item.value for item in call.keywords if item.arg == "function"), None
            )
            major = facts.target.major_for(keras_name.library)
            if major == 2 and not any(_may_be_keras_file(entry) for entry in saves):
                finding = self._keras2_legacy(module, call, function, saves)
                if finding is not None:
                    yield finding
                continue
            # Refused by safe mode only (a lambda; any Python function in Keras 2): an unsafe load takes it.
            by_safe_mode = True
            if isinstance(function, ast.Lambda):
                what = "a Python lambda"
                effect = "load_model() refuses it unless safe_mode=False (ValueError)"
            elif isinstance(function, ast.Name) and function.id in facts.functions:
                if function.id in facts.registered_functions and major == 3:
                    continue
                what = f"the unregistered function {function.id}"
                if major == 3:
                    by_safe_mode = False
                    effect = f"load_model() fails with TypeError: Could not locate function '{function.id}'"
                else:
                    what = f"the function {function.id}"
                    effect = _KERAS2_FUNCTION
            elif major == 2 and any(entry.path.ends_with(".keras") for entry in saves) and (
                name := _python_function(facts, function)
            ):
                what = f"the function {name}"
                effect = _KERAS2_FUNCTION
            else:
                continue
            if by_safe_mode and _only_unsafe_loads(module, saves):
                continue  # every load passes safe_mode=False (KS304 speaks there)
            yield self.finding(
                (call.lineno, call.col_offset),
                f"Lambda over {what} in a saved model: {effect}; write a small registered Layer subclass instead",
            )

    def _keras2_legacy(self, module: ModuleContext, call: ast.Call, function, saves) -> Finding | None:
        """Keras 2, saved only to .h5 or SavedModel folders: the function's bytecode is stored and
        run again on load, with no safe mode; it fails only on a module-level name it reads."""
        facts = module.facts
        if isinstance(function, ast.Lambda):
            what, node = "a Python lambda", function
        elif isinstance(function, ast.Name) and function.id in facts.functions:
            what, node = f"the function {function.id}", facts.functions[function.id]
        else:
            return None
        if facts.tree is None:
            return None
        missing = missing_globals(facts.tree, node)
        if not missing or _loads_pass(module, saves, missing) or _library_module(module):
            return None
        names = ", ".join(missing[:3]) + (", ..." if len(missing) > 3 else "")
        h5 = [entry.writes_hdf5() for entry in saves]
        formats = ".h5" if all(h5) else ".h5 and a SavedModel folder" if any(h5) else "a SavedModel folder"
        return self.finding(
            (call.lineno, call.col_offset),
            f"Lambda over {what} reading the module-level {names}, saved to {formats}: Keras 2 reruns its "
            f"bytecode where the model loads, and load_model() raises NameError: name '{missing[0]}' is not "
            "defined; pass it in custom_objects or write a registered Layer subclass",
        )


def _may_be_keras_file(entry: SaveLoadCall) -> bool:
    """A save that writes (or may write: its path's end is unknown) a Keras 2 .keras file.
    A save_format given wins over the path in tf_keras (`get_save_format`): "tf" writes a
    SavedModel folder and "h5" an HDF5 file whatever the path says."""
    save_format = entry.save_format()
    if save_format is not None:
        return save_format in ("keras", "keras_v3")
    return entry.path.ends_with(".keras") is not False


def _loads_pass(module: ModuleContext, saves: list[SaveLoadCall], names: list[str]) -> bool:
    """What `saves` write is given `names` in custom_objects: by every load of it in this file
    (there is one), or else by every load of the project (model_io.py)."""
    keys = {key for entry in saves if (key := entry.path.key())}
    loads = [
        entry
        for entry in module.save_load_calls
        if entry.kind == LOAD_MODEL and (entry.path.key() in keys or entry.path.known_end is None)
    ]
    if loads and all(set(names) <= set(_given_keys(module, entry)) for entry in loads):
        return True
    index = module.index
    return index is not None and all(every_load_passes(index.modules.values(), name) for name in names)


def _given_keys(module: ModuleContext, entry: SaveLoadCall) -> list[str]:
    given = entry.keywords.get("custom_objects")
    return dict_keys(module.facts, given) if given is not None else []


_KERAS2_FUNCTION = (
    "Keras 2 stores a Python function's bytecode, and its .keras loader refuses it unless safe_mode=False "
    "(ValueError), whatever custom_objects holds"
)


def _python_function(facts, node: ast.expr | None) -> str | None:
    """The name of an imported function (`clip_unit` from a module, `tf.nn.relu`), judged by
    its lower-case last component; None for anything else."""
    if not isinstance(node, (ast.Name, ast.Attribute)):
        return None
    qualified = facts.imports.qualify(node)
    if qualified is None:
        return None
    last = qualified.rsplit(".", 1)[-1]
    return dotted_name(node) if last[:1].islower() else None


@dataclass(frozen=True)
class _Load:
    """A load_model() call, as the save-side rules need it."""

    key: str | None  # its path's key within its file (`PathArgument.key`)
    end: str | None  # its path's known end
    safe_mode_off: bool  # safe_mode=False, or the file calls enable_unsafe_deserialization()
    compile_off: bool  # compile=False


def _loads_of_file(facts, calls: list[SaveLoadCall]) -> list[_Load]:
    enabled = any(
        api_named(facts.imports.keras_name(call.func), "enable_unsafe_deserialization") for call in facts.calls
    )
    return [
        _Load(
            entry.path.key(),
            entry.path.known_end,
            enabled or entry.keyword_is("safe_mode", False),
            entry.keyword_is("compile", False),
        )
        for entry in calls
        if entry.kind == LOAD_MODEL
    ]


def _linked_loads(module: ModuleContext, saves: list[SaveLoadCall]) -> list[_Load]:
    """The loads of what `saves` write: in this file, loads of the same path (same literal or name),
    of the same file name or of a path it does not spell; in the other files of the project, loads
    of the same file name."""
    names = {name for entry in saves if (name := file_name(entry.path.known_end))}
    keys = {key for entry in saves if (key := entry.path.key())}
    found = [
        load
        for load in _loads_of_file(module.facts, module.save_load_calls)
        if load.key in keys or file_name(load.end) in names or load.end is None
    ]
    index = module.disk_index
    if names and index is not None and module.project is not None:
        here = module.project.module
        table = _project_loads_byfile_name(index)
        found += [load for name in names for owner, load in table.get(name, []) if owner != here]
    return found


# The table of the last index asked for: one per index, as an index is validated once per process
# (the language server makes a new one when a file changes). Built on first use, so a whole run
# reads each other file once, not once per checked file.
_PROJECT_LOADS: dict[str, object] = {"index": None, "table": {}}


def _project_loads_byfile_name(index) -> dict[str | None, list[tuple[str, _Load]]]:
    """The load_model() calls of every file of the project, by the file name they load."""
    if _PROJECT_LOADS["index"] is not index:
        table: dict[str | None, list[tuple[str, _Load]]] = {}
        for name, relative in index.paths.items():
            for load in _project_file_loads(index.root / relative, index.project_major):
                table.setdefault(file_name(load.end), []).append((name, load))
        _PROJECT_LOADS.update(index=index, table=table)
    return _PROJECT_LOADS["table"]


_FILE_LOADS: dict[tuple[str, int, int], list[_Load]] = {}


def _project_file_loads(path: Path, project_major: int) -> list[_Load]:
    """The load_model() calls of another file of the project (cached by its size and mtime)."""
    try:
        stamp = path.stat()
    except OSError:
        return []
    key = (str(path), stamp.st_mtime_ns, stamp.st_size)
    if key not in _FILE_LOADS:
        loads: list[_Load] = []
        try:
            with tokenize.open(path) as handle:
                text = handle.read()
            if "load_model" in text:
                facts = collect_module_facts(ast.parse(text), project_major)
                loads = _loads_of_file(facts, find_save_load_calls(facts))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError, RecursionError, MemoryError):
            pass
        if len(_FILE_LOADS) > 4096:
            _FILE_LOADS.clear()
        _FILE_LOADS[key] = loads
    return _FILE_LOADS[key]


def _only_unsafe_loads(module: ModuleContext, saves: list[SaveLoadCall]) -> bool:
    """What every one of `saves` writes is loaded, and only with safe mode off."""
    return all(_loaded_only(module, entry, "safe_mode_off") for entry in saves)


def _loaded_only(module: ModuleContext, save: SaveLoadCall, how: str) -> bool:
    """What `save` writes is loaded somewhere, and every load of it is `how` (a `_Load` flag)."""
    loads = _linked_loads(module, [save])
    return bool(loads) and all(getattr(load, how) for load in loads)


class UnregisteredLossOrMetric(Rule):
    code = "KS306"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        saves = [entry for entry in module.save_load_calls if entry.kind in (SAVE, CHECKPOINT)]
        if not saves:
            return
        # A save whose file every load reads with compile=False: the loss is never looked up.
        compiled_saves = [entry for entry in saves if not _loaded_only(module, entry, "compile_off")]
        for call in facts.calls:
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr == "compile"):
                continue
            if not is_model_expression(facts, func.value):
                continue
            if not any(entry in compiled_saves for entry in module.saves_near(call, (SAVE, CHECKPOINT))):
                continue
            for value in _losses_and_metrics(call):
                problem = self._unregistered(module, value, saves)
                if problem:
                    if problem.startswith("the closure"):
                        remedy = "write it as a registered Loss/Metric subclass whose get_config() holds its arguments"
                    else:
                        remedy = f"register it with {_file_decorator(facts)}"
                    yield self.finding(
                        (call.lineno, call.col_offset),
                        f"compile() gets {problem}: load_model() of the saved model fails unless it is passed in "
                        f"custom_objects or loaded with compile=False; {remedy}",
                    )

    @staticmethod
    def _unregistered(module: ModuleContext, value: ast.expr, saves: list[SaveLoadCall]) -> str | None:
        facts = module.facts
        if isinstance(value, ast.Name) and value.id in facts.functions:
            if value.id in facts.registered_functions:
                return None
            return f"the unregistered function {value.id}"
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
            return None
        name = value.func.id
        keras_class = facts.class_named(name)
        if keras_class is not None and keras_class.kind in ("loss", "metric"):
            if keras_class.registrations or keras_class.in_legacy_registry:
                return None
            major = facts.target.major_for(keras_class.library)
            if major == 2 and not any(entry.path.ends_with(*H5) for entry in saves):
                return None  # Keras 2 .keras imports the class's module
            return f"the unregistered {keras_class.kind} class {name}"
        factory = facts.functions.get(name)
        if factory is not None and (inner := _returned_inner_function(factory)) is not None:
            return f"the closure {inner}() made by {name}(), saved under the name '{inner}' that nothing registers"
        return None


def _file_decorator(facts) -> str:
    """The registration decorator in the Keras this file uses (as KS105 suggests it)."""
    if facts.imports.imports_library("tf_keras"):
        return "@tf_keras.saving.register_keras_serializable()"
    if facts.target.project_major == 2:
        return "@tf.keras.utils.register_keras_serializable()"
    if facts.imports.imports_library("keras"):
        return "@keras.saving.register_keras_serializable()"
    return "@tf.keras.utils.register_keras_serializable()"


def _losses_and_metrics(call: ast.Call) -> Iterator[ast.expr]:
    values: list[ast.expr] = []
    if len(call.args) > 1:
        values.append(call.args[1])
    if len(call.args) > 2:
        values.append(call.args[2])
    values += [item.value for item in call.keywords if item.arg in ("loss", "metrics", "weighted_metrics")]
    for value in values:
        if isinstance(value, (ast.List, ast.Tuple)):
            yield from value.elts
        elif isinstance(value, ast.Dict):
            yield from (item for item in value.values if item is not None)
        else:
            yield value


def _returned_inner_function(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    inner = {node.name for node in function.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Name) and node.value.id in inner:
            return node.value.id
    return None


# The Keras 3 minor that added each newer save/load form (read in Keras's saving_api.py and
# models/model.py at each release tag; the forms themselves measured with Keras 3.15.1).
UNZIPPED_SAVES = 4  # save(folder, zipped=False), and load_model() of that folder
HUB_PATHS = 5  # save("hf://owner/repo"), load_model("hf://owner/repo")
SHARDED_WEIGHTS = 10  # save_weights("w.weights.json", max_shard_size=...), load_weights("w.weights.json")
ORBAX_LOADS = 14  # load_model()/load_weights() of a keras.callbacks.OrbaxCheckpoint folder


@dataclass(frozen=True)
class NewerForm:
    """A save/load form that only Keras >= 3.`minor` accepts, and what an older Keras 3 does."""

    minor: int
    what: str
    before: str  # the error of Keras 3 before `minor`


class Keras3PathRules(Rule):
    code = "KS307"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        exported = {
            entry.path.literal: entry
            for entry in module.save_load_calls
            if entry.kind == TF_SAVED_MODEL and entry.path.literal
        }
        folders = _keras_folders(module.save_load_calls)
        for entry in module.save_load_calls:
            major = module.major_of_call(entry)
            if entry.kind == LOAD_MODEL and entry.path.literal in exported:
                if major == 3:
                    error = "ValueError: File format not supported"
                else:
                    error = "ValueError: ... lacks the TF-Keras metadata"
                yield self.finding(
                    entry.position,
                    f"load_model() of '{entry.path.literal}', written by tf.saved_model.save(): it fails with "
                    f"{error}; save with model.save('model.keras') or use keras.layers.TFSMLayer",
                )
                continue
            if major != 3:
                continue
            newer = _newer_form(entry, folders)
            if newer is not None and not module.keras3_at_least(newer.minor, entry):
                message = self._too_old(entry, newer)
            else:
                message = self._keras3_problem(entry, folders)
            if message:
                yield self.finding(entry.position, message)

    @staticmethod
    def _too_old(entry: SaveLoadCall, newer: NewerForm) -> str:
        return (
            f"{_call_name(entry)}() with {newer.what} needs Keras >= 3.{newer.minor}; an older Keras 3 fails with "
            f"{newer.before}; upgrade Keras (or set --keras-version to the Keras you run)"
        )

    @staticmethod
    def _keras3_problem(entry: SaveLoadCall, folders: dict[str, str]) -> str | None:
        """What every Keras 3 that accepts the call's form refuses."""
        path = entry.path
        shown = repr(path.known_end)
        if entry.kind == SAVE:
            if path.is_hub_path():
                return None
            if entry.keyword_is("zipped", False):
                if path.ends_with(".keras"):
                    return (
                        f"save(..., zipped=False) to {shown}: Keras 3 raises ValueError: with zipped=False the "
                        f"path must not end in .keras (it is a folder); drop zipped=False or the .keras"
                    )
                return None
            if entry.save_format() is not None and path.ends_with(".keras", *H5) is False:
                return (
                    f"save(..., save_format=...) to {shown}: Keras 3 raises ValueError (save_format is gone); "
                    f"remove it and save to a path ending in .keras"
                )
            if path.has_extension() is False:
                return (
                    f"save() to {shown} without an extension: Keras 3 raises ValueError (no SavedModel from save()); "
                    f"save to '{path.known_end}.keras' (or use model.export() for a SavedModel)"
                )
        elif entry.kind == SAVE_WEIGHTS and _given(entry, "max_shard_size"):
            if path.ends_with("weights.h5", "weights.json") is False:
                return (
                    f"save_weights({shown}, max_shard_size=...): Keras 3 raises ValueError: the filename must end "
                    f"in .weights.json when max_shard_size is specified"
                )
        elif entry.kind == SAVE_WEIGHTS and path.ends_with(".weights.h5") is False:
            return f"save_weights() to {shown}: Keras 3 raises ValueError: the filename must end in .weights.h5"
        elif entry.kind == LOAD_MODEL and path.has_extension() is False:
            if path.is_hub_path() or (path.key() or "") in folders:
                return None
            return (
                f"load_model() of {shown}, a SavedModel folder: Keras 3 raises ValueError (File format not "
                f"supported); load a .keras file, or wrap the folder with keras.layers.TFSMLayer"
            )
        elif entry.kind == CHECKPOINT and path.known_end is not None:
            if entry.keyword_is("save_weights_only", True):
                if not path.ends_with(".weights.h5"):
                    return (
                        f"ModelCheckpoint({shown}, save_weights_only=True): Keras 3 raises ValueError: "
                        f"the path must end in .weights.h5"
                    )
            elif not path.ends_with(".keras", ".h5"):
                return (
                    f"ModelCheckpoint({shown}) saves whole models: Keras 3 raises ValueError: "
                    f"the path must end in .keras"
                )
        return None


def _keras_folders(calls: list[SaveLoadCall]) -> dict[str, str]:
    """Path key -> what wrote a folder there: "unzipped" (save(..., zipped=False)) or "orbax"."""
    folders: dict[str, str] = {}
    for entry in calls:
        key = entry.path.key()
        if key is None:
            continue
        if entry.kind == SAVE and entry.keyword_is("zipped", False):
            folders[key] = "unzipped"
        elif entry.kind == ORBAX_CHECKPOINT:
            folders[key] = "orbax"
    return folders


def _newer_form(entry: SaveLoadCall, folders: dict[str, str]) -> NewerForm | None:
    """The newer Keras 3 form this call uses, if any."""
    path = entry.path
    if entry.kind in (SAVE, LOAD_MODEL) and path.is_hub_path():
        if entry.kind == SAVE:
            before = "ValueError: Invalid filepath extension for saving"
        else:
            before = "UnimplementedError: File system scheme 'hf' not implemented"
        return NewerForm(HUB_PATHS, "a Hugging Face Hub path", before)
    if entry.kind == SAVE and entry.keyword_is("zipped", False):
        before = "ValueError: The following argument(s) are not supported: ['zipped']"
        return NewerForm(UNZIPPED_SAVES, "zipped=False (an unzipped folder)", before)
    if entry.kind == SAVE_WEIGHTS and _given(entry, "max_shard_size"):
        before = "TypeError: save_weights() got an unexpected keyword argument 'max_shard_size'"
        return NewerForm(SHARDED_WEIGHTS, "max_shard_size (sharded weights)", before)
    if entry.kind == LOAD_WEIGHTS and path.ends_with(".weights.json"):
        return NewerForm(SHARDED_WEIGHTS, "a sharded .weights.json file", "ValueError: File format not supported")
    folder = folders.get(path.key() or "")
    if entry.kind == LOAD_MODEL and folder == "unzipped":
        before = "ValueError: File format not supported"
        return NewerForm(UNZIPPED_SAVES, "the folder of an unzipped save (zipped=False)", before)
    if entry.kind in (LOAD_MODEL, LOAD_WEIGHTS) and folder == "orbax":
        before = "ValueError: File format not supported"
        return NewerForm(ORBAX_LOADS, "a keras.callbacks.OrbaxCheckpoint folder", before)
    return None


def _given(entry: SaveLoadCall, keyword: str) -> bool:
    """The keyword is passed, with a value other than a literal None."""
    node = entry.keywords.get(keyword)
    return node is not None and not (isinstance(node, ast.Constant) and node.value is None)


def _call_name(entry: SaveLoadCall) -> str:
    func = entry.call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else entry.kind


# Calls on a model that build it (create its weights).
_BUILDING_METHODS = frozenset(
    {"build", "fit", "predict", "evaluate", "train_on_batch", "test_on_batch", "predict_on_batch", "__call__"}
)


class LoadWeightsIntoUnbuiltModel(Rule):
    code = "KS308"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        for entry in module.save_load_calls:
            if entry.kind != LOAD_WEIGHTS or not isinstance(entry.model, ast.Name) or entry.scope is None:
                continue
            name = entry.model.id
            made = _latest_construction(module, entry, name)
            if made is None:
                continue
            keras_class, made_at = made
            major = facts.target.major_for(keras_class.library)
            if major == 2 and entry.path.ends_with(*H5, ".weights.h5") is False:
                continue  # a Keras 2 TF checkpoint defers the restore to the first call
            if _built_between(entry.scope, name, made_at, entry.call.lineno):
                continue
            yield self.finding(
                entry.position,
                f"load_weights() into {name}, a {keras_class.name} that has not been built or called yet: it fails "
                f"with ValueError (the model has no weights yet); call {name}(sample) or {name}.build(shape) first",
            )


def _latest_construction(module: ModuleContext, entry: SaveLoadCall, name: str):
    """(custom model class, line) of the last `name = CustomModel(...)` before the call in its scope."""
    found = None
    for node in ast.walk(entry.scope):
        if isinstance(node, ast.Assign) and node.lineno < entry.call.lineno and isinstance(node.value, ast.Call):
            if any(isinstance(target, ast.Name) and target.id == name for target in node.targets):
                func = node.value.func
                keras_class = module.facts.class_named(func.id) if isinstance(func, ast.Name) else None
                if keras_class is not None and keras_class.kind == "model":
                    if found is None or node.lineno > found[1]:
                        found = (keras_class, node.lineno)
    return found


def _built_between(scope: ast.AST, name: str, start: int, end: int) -> bool:
    for node in ast.walk(scope):
        if not isinstance(node, ast.Call) or not start < node.lineno <= end:
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == name:
            return True
        if isinstance(func, ast.Attribute) and dotted_name(func.value) == name and func.attr in _BUILDING_METHODS:
            return True
    return False


RULES = [
    SubclassedModelToH5(),
    CustomObjectsInSave(),
    UnsafeDeserialization(),
    LambdaInSavedModel(),
    UnregisteredLossOrMetric(),
    Keras3PathRules(),
    LoadWeightsIntoUnbuiltModel(),
]
