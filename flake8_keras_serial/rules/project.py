"""KS301: a load_model() that will not find the custom objects its model needs.

The classic failure spans two files: train.py builds a model from custom
classes and saves it; serve.py loads it without custom_objects and without
importing the module that registers the classes. The project index links
the two by path; without a link, every custom class of the project counts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from ..keras_names import KINDS_FOUND_BY_MODULE_IN_KERAS_3, api_named, dotted_name, keras_3_imports_module
from ..messages import HINT, MAX_MESSAGE
from ..project_index import ProjectIndex
from ..owners import names_built_in
from ..saveload_calls import CONFIG_LOADS, LOAD_MODEL, SaveLoadCall, file_name, saved_just_before
from .base import LAYERS_AND_MODELS, Finding, ModuleContext, Rule

# Keras 2's .keras loader imports the module of a top-level model, loss or
# metric class itself (see KS105), so those need no registration there.
_FOUND_BY_MODULE_IN_KERAS_2 = frozenset({"model", "loss", "metric"})
_COMPILE_ONLY = frozenset({"loss", "metric"})
_FUNCTION_KINDS = frozenset({"function", "layer function", "method"})


@dataclass(frozen=True)
class Needed:
    name: str
    module: str
    kind: str
    registered: bool
    keys: tuple[str, ...]
    library: str
    factory: str = ""  # a closure: the function that made it (its name is the inner function's)
    arguments: str = ""  # the factory call's arguments as the saving module writes them


class LoadWithoutCustomObjects(Rule):
    code = "KS301"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        loads = [entry for entry in module.save_load_calls if entry.kind in (LOAD_MODEL, *CONFIG_LOADS)]
        if not loads:
            return
        scoped_lines = _custom_object_scope_lines(module)
        for entry in loads:
            if entry.call.lineno in scoped_lines:
                continue
            given = _given_keys(module, entry)
            if given is None:
                continue  # custom_objects that the source does not spell out: trust it
            if entry.kind == LOAD_MODEL and module.major_of_call(entry) == 2 and _savedmodel_folder(entry):
                continue  # a Keras 2 SavedModel folder loads without any code [s17, s17c]
            index = module.index
            if index is None:
                return
            linked, needed = _needed(module, index, entry)
            if not linked and (module.is_test_module or _in_keras_itself(module)):
                # A test's load of a path that no save of the project spells (a fixture, a helper's
                # temporary file): "every class of the project" is a guess there, wrong on every
                # sampled case of the public corpus (keras, tf-models, tfrs tests). Keras's own
                # loaders (pickling, the SavedModel reviver) load the user's models, not Keras's.
                continue
            missing = _missing(module, index, entry, needed, given)
            if missing is None:
                continue
            what = f"of '{entry.path.known_end}' " if entry.path.known_end else ""
            call = f"{entry.kind}() {what}"
            if missing.unloadable:
                yield self.finding(entry.position, call + missing.unloadable_message())
                continue
            source = "this project's custom objects"
            if linked:
                source = "the model saved there" if entry.kind == LOAD_MODEL else "the models to_json() writes"
            fix = missing.fix_data() if "custom_objects" not in entry.keywords and not missing.methods else ()
            # Fewer entries named when long class names leave no room for the hint to --format json.
            for limit in (3, 2, 1):
                message = f"{call}cannot find {source}: {missing.message(limit)}"
                if len(f"{self.code} {message} {HINT}") <= MAX_MESSAGE:
                    break
            yield self.finding(entry.position, message, fix, details=missing.details())


_SAVEDMODEL_WORDS = ("saved_model", "savedmodel")


def _savedmodel_folder(entry: SaveLoadCall) -> bool:
    """The load reads a SavedModel folder: a path known to have no extension, or an unknown path
    that the source calls one (`load_model(FLAGS.saved_model_dir)`, or a load under
    `if weights_format == "saved_model":`), as tf-models' loaders do."""
    if entry.path.has_extension() is not None:
        return entry.path.has_extension() is False
    spelled = (dotted_name(entry.path.node) or "") if entry.path.node is not None else ""
    if any(word in spelled.lower() for word in _SAVEDMODEL_WORDS):
        return True
    for branch in ast.walk(entry.scope) if entry.scope is not None else ():
        if isinstance(branch, ast.If) and _names_savedmodel(branch.test) and _holds(branch.body, entry.call):
            return True
    return False


def _names_savedmodel(test: ast.expr) -> bool:
    return any(
        isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() in _SAVEDMODEL_WORDS
        for node in ast.walk(test)
    )


def _holds(statements: list[ast.stmt], call: ast.Call) -> bool:
    return any(node is call for statement in statements for node in ast.walk(statement))


def _in_keras_itself(module: ModuleContext) -> bool:
    """A module of Keras's own source (keras, tf_keras)."""
    return module.project is not None and module.project.module.split(".", 1)[0] in ("keras", "tf_keras")


def _given_keys(module: ModuleContext, entry: SaveLoadCall) -> frozenset[str] | None:
    """The keys of the call's custom_objects: empty without it, None when the source does not
    spell them (a dict built elsewhere, `**extra`, a function's result)."""
    node = entry.keywords.get("custom_objects")
    if node is None:
        return frozenset()
    if isinstance(node, ast.Name):
        assigned = module.facts.assignments.get(node.id, [])
        node = assigned[0] if len(assigned) == 1 and not _changed_later(module, node.id) else None
    if not isinstance(node, ast.Dict):
        return None
    keys = set()
    for key in node.keys:
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        keys.add(key.value)
    return frozenset(keys)


def _changed_later(module: ModuleContext, name: str) -> bool:
    """`objects["Offset"] = Offset` or `objects.update(...)`: the dict gets more keys than it is built with."""
    for node in ast.walk(module.facts.tree) if module.facts.tree is not None else ():
        target = node.value if isinstance(node, (ast.Subscript, ast.Attribute)) else None
        if isinstance(target, ast.Name) and target.id == name:
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) or isinstance(node, ast.Attribute):
                return True
    return False


def _custom_object_scope_lines(module: ModuleContext) -> set[int]:
    """Lines inside `with custom_object_scope(...)` / `CustomObjectScope(...)`."""
    lines: set[int] = set()
    if module.facts.tree is None:
        return lines
    for node in ast.walk(module.facts.tree):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                expression = item.context_expr
                if isinstance(expression, ast.Call) and api_named(
                    module.facts.imports.keras_name(expression.func), "custom_object_scope", "CustomObjectScope"
                ):
                    lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _same_file(saved: str, loaded: str) -> bool:
    return file_name(saved) == file_name(loaded)


def _needed(module: ModuleContext, index: ProjectIndex, entry: SaveLoadCall) -> tuple[bool, list[Needed]]:
    """(linked to a save?, the custom objects the loaded model needs)."""
    loaded = entry.path.known_end
    names: list[tuple[str, str]] = []  # (module, name as written there)
    compiled: set[tuple[str, str]] = set()
    functions: set[tuple[str, str]] = set()
    methods: set[tuple[str, str]] = set()
    linked = False
    from_config = entry.kind in CONFIG_LOADS
    here = module.project.module if module.project else ""
    if saved_just_before(module.save_load_calls, entry):
        # The same function saved it (a test's round trip, `path = ...; model.save(path); load_model(path)`):
        # that save is the one loaded, not the project's other saves to a file of the same name.
        linked = True
        contents = module.saved_contents
        names = [(here, name) for name in _built_for(module, entry.scope, contents["uses"])]
        functions = {(here, name) for name in contents["functions"]}
        if not from_config:
            compiled = {(here, name) for name in contents["compiled"]}
            methods = {(here, name) for name in contents["methods"]}
    elif loaded or from_config:
        for saving_module, summary in index.modules.items():
            for save in summary.get("saves", []):
                if (save.get("kind") == "json") if from_config else _same_file(save["path"], loaded):
                    linked = True
                    names += [(saving_module, name) for name in save["uses"]]
                    compiled |= {(saving_module, name) for name in save["compiled"]}
                    functions |= {(saving_module, name) for name in save.get("functions", [])}
                    methods |= {(saving_module, name) for name in save.get("methods", [])}
    if not linked:
        return False, [
            _as_needed(owner, item, index)
            for owner, item in index.classes()
            if not _rebuilt_by_owner(index, (owner, item["name"]), item)
        ]
    found: dict[tuple[str, str], Needed] = {}
    seen: set[tuple[str, str]] = set()
    stack = list(names)
    while stack:
        owner, name = stack.pop()
        item = index.find_class(owner, name)
        if item is None:
            continue
        defined_in = index.module_of(item) or owner
        key = (defined_in, item["name"])
        if key in seen:
            continue
        seen.add(key)
        if not _rebuilt_by_owner(index, key, item):
            found[key] = _as_needed(defined_in, item, index)
        stack += [(defined_in, used) for used in item.get("uses", [])]
    # Functions given to layers are needed by every load; loss/metric functions and methods only to compile.
    for kind, pairs in (("layer function", functions), ("function", compiled)):
        for owner, name in sorted(pairs):
            if (key := _function_key(index, owner, name)) is None:
                continue
            # `loss=focal_loss(2.0)`: Keras saves the closure under its own name, focal_loss_fixed.
            inner = index.modules[key[0]].get("factories", {}).get(key[1]) if kind == "function" else None
            arguments = index.modules[owner].get("compiled_calls", {}).get(name)
            if inner is not None and arguments is not None:
                found.setdefault((key[0], inner), Needed(inner, key[0], kind, False, (), "keras", key[1], arguments))
                continue
            registered = key[1] in index.modules[key[0]].get("registered_functions", [])
            found.setdefault(key, Needed(key[1], key[0], kind, registered, (), "keras"))
    for owner, name in sorted(methods):
        class_name, _, method = name.rpartition(".")
        found.setdefault((owner, name), Needed(method, owner, "method", False, (class_name,), "keras"))
    return True, list(found.values())


def _built_for(module: ModuleContext, scope: ast.AST | None, file_uses: list[str]) -> list[str]:
    """The names a function builds, itself or through the file's top-level functions it calls
    (`model = build_model()`): what a model it saves can hold. Outside a function: the whole file's."""
    tree = module.facts.tree
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) or tree is None:
        return file_uses
    helpers = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    built = names_built_in(scope)
    for call in ast.walk(scope):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in helpers:
            built |= names_built_in(helpers[call.func.id])
    return sorted(built)


def _rebuilt_by_owner(index: ProjectIndex, key: tuple[str, str], item: dict) -> bool:
    """A layer that only custom classes build, none serializing it: the saved file holds the owner's
    config, whose constructor builds the layer again on load (owners.py, as for KS101-KS106)."""
    return item["kind"] in LAYERS_AND_MODELS and index.builders(key, except_module="").rebuilt_by is not None


def _function_key(index: ProjectIndex, module: str, name: str) -> tuple[str, str] | None:
    """(defining module, function) for a name as `module` spells it, if it is a top-level function
    of a Keras module of the project: defined there, or imported from another module."""
    summary = index.modules.get(module, {})
    if name in summary.get("functions", []):
        return module, name
    head = name.split(".", 1)[0]
    target = summary.get("aliases", {}).get(head)
    if target is None:
        return None
    owner, _, function = (target + name[len(head) :]).rpartition(".")
    resolved = index.resolve_module(owner) if owner else None
    if resolved is None or resolved == module or function not in index.modules[resolved].get("functions", []):
        return None
    return resolved, function


def _as_needed(owner: str, item: dict, index) -> Needed:
    # A decorator imported from another module of the project may be its registering wrapper.
    registered = item["registered"] or any(index.registration_wrapper(name) for name in item.get("decorators", []))
    return Needed(item["name"], owner, item["kind"], registered, tuple(item["keys"]), item["library"])


def _listed(items: list[str], limit: int = 3) -> str:
    """At most `limit` items, then "and N more"."""
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


@dataclass(frozen=True)
class Missing:
    """What a load call must add: custom objects (name, defining module), modules to import,
    bound methods (name, class) to pass by hand; or losses no custom_objects can rebuild."""

    custom_objects: tuple[tuple[str, str], ...]
    imports: tuple[tuple[str, str], ...]  # (module, registered key)
    methods: tuple[tuple[str, str], ...] = ()
    given: bool = False  # the call has a custom_objects dict, which lacks these
    unloadable: tuple[tuple[str, str], ...] = ()  # Keras 3: bound methods as the loss or metrics
    factories: tuple[tuple[str, str, str], ...] = ()  # (key, factory, its arguments): a closure's entry

    def message(self, limit: int = 3) -> str:
        parts = []
        entries = self._entries()
        if entries:
            modules = sorted({module for _, module in self.custom_objects})
            where = f" (defined in {_listed(modules)})" if modules else ""
            listed = _listed(entries, limit)
            if self.given:
                parts.append(f"custom_objects lacks {listed}{where}")
            else:
                parts.append(f"pass custom_objects={{{listed}}}{where}")
        if self.imports:
            parts.append(_listed([f"import {module} (registers '{key}')" for module, key in self.imports]))
        return " and ".join(parts)

    def details(self) -> list[str]:
        """Every entry and import the message may shorten to "and N more" (--format json lists them)."""
        return self._entries() + [f"import {module}" for module, _ in self.imports]

    def _entries(self) -> list[str]:
        """The custom_objects entries, as `"key": value`: the objects, then the bound methods."""
        made = {key: f"{factory}({arguments})" for key, factory, arguments in self.factories}
        entries = [f'"{name}": {made.get(name, name)}' for name, _ in self.custom_objects]
        entries += [f'"{name}": {owner}(...).{name}' for name, owner in self.methods]
        return entries

    def unloadable_message(self) -> str:
        methods = _listed([f"{owner}(...).{name}" for name, owner in self.unloadable])
        return (
            f"cannot rebuild the compiled model: Keras 3 saves the bound method {methods} as a 'method' that no "
            "custom_objects entry rebuilds; load with compile=False, or compile with a function or a Loss subclass"
        )

    def fix_data(self) -> tuple:
        return (
            ("custom_objects", self.custom_objects),
            ("imports", tuple(module for module, _ in self.imports)),
            ("factories", self.factories),
        )


def _missing(
    module: ModuleContext, index: ProjectIndex, entry: SaveLoadCall, needed: list[Needed], given: frozenset[str]
) -> Missing | None:
    """What the load call must add, or None when it finds everything."""
    compile_false = entry.keyword_is("compile", False) or entry.kind in CONFIG_LOADS
    here = module.project.module if module.project else ""
    imported = index.imports_closure(here) | {here}
    # Keras 2 imports the module of a top-level model, loss or metric class for a .keras file, not for HDF5.
    found_by_module = entry.kind == LOAD_MODEL and not entry.path.ends_with(".h5", ".hdf5")
    custom_objects: set[tuple[str, str]] = set()
    imports: dict[str, str] = {}
    methods: set[tuple[str, str]] = set()
    unloadable: set[tuple[str, str]] = set()
    factories: set[tuple[str, str, str]] = set()
    for item in needed:
        if compile_false and item.kind in (*_COMPILE_ONLY, "function", "method"):
            continue
        if item.kind in _FUNCTION_KINDS:
            major = module.major_of_call(entry)
        else:
            major = module.facts.target.major_for(item.library)
        if item.kind == "method" and major == 3:
            unloadable.add((item.name, item.keys[0]))  # whatever custom_objects holds
            continue
        if item.name in given or any(key in given for key in item.keys if item.kind != "method"):
            continue
        if item.kind == "method":
            methods.add((item.name, item.keys[0]))
        elif not item.registered:
            if major == 2 and item.kind in _FOUND_BY_MODULE_IN_KERAS_2 and found_by_module:
                continue
            if major == 3 and item.kind in KINDS_FOUND_BY_MODULE_IN_KERAS_3 and found_by_module \
                    and keras_3_imports_module(item.module):
                continue
            custom_objects.add((item.name, item.module))
            if item.factory:
                factories.add((item.name, item.factory, item.arguments))
        elif item.module not in imported:
            imports.setdefault(item.module, item.keys[0] if item.keys else item.name)
    if unloadable:
        return Missing((), (), (), bool(given), tuple(sorted(unloadable)))
    if not custom_objects and not imports and not methods:
        return None
    given_dict = "custom_objects" in entry.keywords
    return Missing(
        tuple(sorted(custom_objects)),
        tuple(sorted(imports.items())),
        tuple(sorted(methods)),
        given_dict,
        factories=tuple(sorted(factories)),
    )


RULES = [LoadWithoutCustomObjects()]
