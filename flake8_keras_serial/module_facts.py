"""What the free `ast` tree tells us about a module, in one walk.

flake8 parses every file with `ast` anyway and hands plugins the tree, so
finding the Keras classes here costs almost nothing.
"""

from __future__ import annotations

import ast
import hashlib
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

from .keras_names import (
    REGISTER_FUNCTION,
    ImportMap,
    KerasName,
    bind_module_level,
    dotted_name,
    is_array_call,
    is_custom_objects_function,
    is_function_reference,
    is_layer_constructor,
    is_register_function,
    serializable_base,
    split_keras_name,
)
from .versions import KerasTarget

# What a constructor argument value is, when we can tell from the source.
LAYER = "a layer"
CALLABLE = "a function"
CALLED = "a layer or function (it is called)"
ARRAY = "an array"
OBJECT = "a Keras object"


@dataclass
class Registration:
    """One `register_keras_serializable(...)` applied to a class."""

    library: str
    api: KerasName
    package: str | None  # None when not a literal: we cannot know the key
    name: str | None
    line: int
    col: int

    def key(self, class_name: str) -> str | None:
        if self.package is None or self.name is None:
            return None
        return f"{self.package}>{self.name or class_name}"


@dataclass
class KerasClass:
    """A class defined in this file that derives from a serializable Keras base."""

    node: ast.ClassDef
    kind: str  # "layer", "model", "loss", ... (see keras_names.GENERIC_BASES)
    library: str  # "keras", "tf.keras" or "tf_keras"
    generic: bool  # root base is Layer/Model/... rather than e.g. Dense
    parent: "KerasClass | None" = None  # custom parent defined in this file
    # Methods (get_config, from_config) that project classes of other modules along its bases
    # define: their code is not read here, only that they exist.
    inherited_methods: frozenset[str] = frozenset()
    registrations: list[Registration] = field(default_factory=list)
    in_legacy_registry: bool = False  # get_custom_objects()[...] = Cls
    has_children: bool = False  # another class in this file derives from it
    instantiated: bool = False  # `Cls(...)` appears in this file
    # Evidence about constructor arguments from `Cls(...)` calls in the file:
    # position (int) or keyword (str) -> LAYER / CALLABLE / ARRAY / OBJECT.
    argument_evidence: dict[int | str, str] = field(default_factory=dict)
    most_positional_arguments: int = 0  # the most positional arguments any such call passes

    @property
    def name(self) -> str:
        return self.node.name

    @cached_property
    def source_digest(self) -> str:
        """A fingerprint of the class's code (its tree, so not its comments, blank lines or
        position): two copies of one class, in two test modules, have the same."""
        return hashlib.sha256(ast.dump(self.node).encode()).hexdigest()[:16]


@dataclass
class ModuleFacts:
    imports: ImportMap
    target: KerasTarget
    classes: list[KerasClass]
    function_names: set[str]
    calls: list[ast.Call] = field(default_factory=list)  # every call in the file, in walk order
    # name -> values assigned to it anywhere in the file (`model = MyModel()`)
    assignments: dict[str, list[ast.expr]] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    registered_functions: set[str] = field(default_factory=set)  # defs decorated with register_keras_serializable
    # Top-level functions and classes of this file that call register_keras_serializable
    # in their body (a project's own decorator): name -> the Keras API they call.
    registration_wrappers: dict[str, KerasName] = field(default_factory=dict)
    tree: ast.Module | None = None
    module_constants: dict[str, ast.expr] = field(default_factory=dict)  # top-level `NAME = "literal"`
    # `name.attr = value` anywhere in the file (`self.x = ...` in methods included)
    attribute_assignments: list[tuple[ast.Assign, ast.Attribute]] = field(default_factory=list)
    # What is worked out from these facts once per file and read by several parts (the rules,
    # the summary, model_io): the save/load calls, the calls' scopes.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def classify_value(self, node: ast.AST) -> str | None:
        """LAYER / CALLABLE / ARRAY / OBJECT for an argument value, or None if
        it is (or may be) a plain value Keras can put in a config."""
        if isinstance(node, ast.Lambda):
            return CALLABLE
        if isinstance(node, ast.Call):
            return self._classify_call(dotted_name(node.func))
        if isinstance(node, (ast.Name, ast.Attribute)):
            dotted = dotted_name(node)
            if dotted in self.function_names or is_function_reference(self.imports.qualify_dotted(dotted)):
                return CALLABLE
        return None

    def _classify_call(self, callee: str | None) -> str | None:
        """What `callee(...)` builds: a layer, a Keras object, an array, or None."""
        if callee is None:
            return None
        local = self.class_named(callee)
        if local is not None:
            return LAYER if local.kind in ("layer", "model") else OBJECT
        qualified = self.imports.qualify_dotted(callee)
        keras_name = split_keras_name(qualified)
        if keras_name is not None:
            if is_layer_constructor(keras_name):
                return LAYER
            return OBJECT if serializable_base(keras_name) is not None else None
        return ARRAY if is_array_call(qualified) else None

    def class_named(self, name: str) -> KerasClass | None:
        for keras_class in self.classes:
            if keras_class.name == name:
                return keras_class
        return None


def mentions_keras(lines: list[str]) -> bool:
    """Cheap pre-filter: a file that never spells "keras" has no Keras class."""
    return any("keras" in line for line in lines)


def collect_module_facts(
    tree: ast.Module,
    project_major: int,
    resolve_base=None,
    module: str | None = None,
    resolve_wrapper=None,
    resolve_reexport=None,
) -> ModuleFacts:
    """One walk of the tree. `module` is the file's dotted name (for relative
    imports). Three lookups into the other modules of the project:
    `resolve_base(qualified)` -> (kind, library, generic, methods it defines) or None
    finds Keras base classes, `resolve_wrapper(qualified)` -> the Keras register API's dotted name or
    None finds the project's own registering decorators, `resolve_reexport(qualified)` -> the Keras
    (or TensorFlow) dotted name a project module's name stands for (`from mypkg.compat import keras`)."""
    imports = ImportMap(module)
    class_nodes: list[ast.ClassDef] = []
    function_names: set[str] = set()
    methods: set[int] = set()  # ids of the defs directly in a class body (ast.walk meets the class first)
    calls: list[ast.Call] = []
    statements: list[ast.stmt] = []
    assignments: dict[str, list[ast.expr]] = {}
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    attribute_assignments: list[tuple[ast.Assign, ast.Attribute]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.add(node)
        elif isinstance(node, ast.ClassDef):
            class_nodes.append(node)
            methods.update(id(item) for item in node.body if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # A bare name never refers to a method (that is `self.name`): an argument named like a
            # property of some class (`io_config`) is no function.
            if id(node) not in methods:
                function_names.add(node.name)
            functions.setdefault(node.name, node)
        elif isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, (ast.Assign, ast.Expr)):
            statements.append(node)
            if isinstance(node, ast.Assign):
                for target_node in node.targets:
                    if isinstance(target_node, ast.Name):
                        assignments.setdefault(target_node.id, []).append(node.value)
                    elif isinstance(target_node, ast.Attribute) and isinstance(target_node.value, ast.Name):
                        attribute_assignments.append((node, target_node))
    bind_module_level(imports, tree.body, project_major)
    if resolve_reexport is not None:
        _resolve_reexports(imports, resolve_reexport)
    target = KerasTarget.for_file(project_major, imports.imports_library("tf_keras"))
    facts = ModuleFacts(
        imports, target, _find_keras_classes(class_nodes, imports, resolve_base), function_names, calls, assignments,
        functions, tree=tree, attribute_assignments=attribute_assignments,
    )
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, (ast.Constant, ast.JoinedStr)):
            for target_node in statement.targets:
                if isinstance(target_node, ast.Name):
                    facts.module_constants[target_node.id] = statement.value
    facts.registration_wrappers = _registration_wrappers(tree, calls, imports)

    def registration(decorator: ast.AST, across_modules: bool) -> Registration | None:
        return _registration(decorator, imports) or _wrapper_registration(
            decorator, imports, facts.registration_wrappers, resolve_wrapper if across_modules else None
        )

    # Functions: only this file's wrappers are looked at (`@pytest.mark...` must not make
    # every test file read the project index); classes: the project's too.
    for function in functions.values():
        if any(registration(decorator, False) is not None for decorator in function.decorator_list):
            facts.registered_functions.add(function.name)
    by_name = {keras_class.name: keras_class for keras_class in facts.classes}
    for keras_class in facts.classes:
        for decorator in keras_class.node.decorator_list:
            if _is_keras_own_export(decorator):
                keras_class.in_legacy_registry = True
            found = registration(decorator, True)
            if found is not None:
                # The `@` stands at the class's indentation, one column or more before the call.
                found.col = keras_class.node.col_offset
                keras_class.registrations.append(found)
    dicts = {
        target.id: statement.value
        for statement in tree.body
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Dict)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    for statement in statements:
        _note_call_form_registration(statement, imports, by_name, dicts)
    for call in calls:
        if isinstance(call.func, ast.Name) and call.func.id in by_name:
            _note_instantiation(by_name[call.func.id], call, facts)
    return facts


def _resolve_reexports(imports: ImportMap, resolve_reexport) -> None:
    """Names imported from the project's own modules that stand for Keras's: `from .compat import keras`."""
    for local, target in list(imports.items()):
        if _may_be_project_module(target) and "." in target and (found := resolve_reexport(target)):
            imports.bind(local, found)


def _find_keras_classes(class_nodes: list[ast.ClassDef], imports: ImportMap, resolve_base=None) -> list[KerasClass]:
    """Classes deriving from a Keras base, directly or through classes of this file."""
    found: dict[str, KerasClass] = {}
    pending = sorted(class_nodes, key=lambda node: (node.lineno, node.col_offset))
    progress = True
    while pending and progress:
        progress = False
        for node in list(pending):
            keras_class = _as_keras_class(node, imports, found, resolve_base)
            if keras_class is not None:
                found[node.name] = keras_class
                pending.remove(node)
                progress = True
    return sorted(found.values(), key=lambda keras_class: keras_class.node.lineno)


def _as_keras_class(
    node: ast.ClassDef, imports: ImportMap, found: dict[str, KerasClass], resolve_base=None
) -> KerasClass | None:
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in found and base.id != node.name:
            parent = found[base.id]
            parent.has_children = True
            return KerasClass(node, parent.kind, parent.library, parent.generic, parent=parent)
        keras_name = imports.keras_name(base)
        if keras_name is not None and (base_kind := serializable_base(keras_name)) is not None:
            kind, generic = base_kind
            return KerasClass(node, kind, keras_name.library, generic)
    if resolve_base is not None:  # a Keras class defined in another module of the project
        for base in node.bases:
            qualified = imports.qualify(base)
            if qualified and split_keras_name(qualified) is None and (resolved := resolve_base(qualified)):
                kind, library, generic, methods = resolved
                return KerasClass(node, kind, library, generic, inherited_methods=methods)
    return None


def _registration(node: ast.AST, imports: ImportMap) -> Registration | None:
    """`@keras.saving.register_keras_serializable(package="p", name="n")`."""
    if not isinstance(node, ast.Call):
        return None
    api = imports.keras_name(node.func)
    if api is None or not is_register_function(api):
        return None
    values: dict[str, ast.AST] = dict(zip(("package", "name"), node.args))
    values.update({keyword.arg: keyword.value for keyword in node.keywords if keyword.arg})
    package = _literal_or_none(values.get("package"), default="Custom")
    name = _literal_or_none(values.get("name"), default="")
    return Registration(api.library, api, package, name, node.lineno, node.col_offset)


def _keras_register_api(call: ast.Call, imports: ImportMap) -> KerasName | None:
    api = imports.keras_name(call.func)
    return api if api is not None and is_register_function(api) else None


def _registration_wrappers(tree: ast.Module, calls: list[ast.Call], imports: ImportMap, api_of=None) -> dict:
    """Module-level functions and classes whose body calls register_keras_serializable or
    writes into get_custom_objects(), directly or through another such function of the file:
    a project's own registering decorator, such as keras-hub's `keras_hub_export` (a class,
    defined under `if namex:`, whose `__call__` calls a helper that registers) or larq's
    `register_keras_custom_object`. `api_of(call, imports)` says what a call registers
    through (default: Keras's API, as a KerasName)."""
    if api_of is None:  # Keras's registry, filled by either of its two public routes
        registering = [(call.lineno, api) for call in calls if (api := _keras_register_api(call, imports))]
        registering += _custom_objects_writes(tree, calls, imports)
    else:
        registering = [(call.lineno, api) for call in calls if (api := api_of(call, imports)) is not None]
    if not registering:  # the usual case: nothing to look for
        return {}
    spans = [
        (definition.name, definition.body[0].lineno, definition.end_lineno or definition.lineno)
        for definition in _module_level_definitions(tree)
    ]
    wrappers: dict[str, KerasName] = {}
    while registering:
        found_now = {}
        for name, first_line, last_line in spans:
            if name not in wrappers:
                for line, api in registering:
                    if first_line <= line <= last_line:
                        found_now[name] = api
                        break
        wrappers.update(found_now)
        registering = [
            (call.lineno, found_now[call.func.id])
            for call in calls
            if isinstance(call.func, ast.Name) and call.func.id in found_now
        ]
    return wrappers


def _custom_objects_writes(tree: ast.Module, calls: list[ast.Call], imports: ImportMap) -> list[tuple[int, KerasName]]:
    """(line, the get_custom_objects API) of each write into Keras's registry dict:
    `get_custom_objects()[cls.__name__] = cls` (larq's `register_keras_custom_object`) or
    `get_custom_objects().update(...)`. Only a write registers: a function that reads the dict
    (`load_model(path, custom_objects=get_custom_objects())`) is no registering decorator."""
    apis = {
        id(call): api
        for call in calls
        if (api := imports.keras_name(call.func)) is not None and is_custom_objects_function(api)
    }
    if not apis:  # the usual case: the tree is not walked
        return []
    writes = [
        (call.lineno, apis[id(call.func.value)])
        for call in calls
        if isinstance(call.func, ast.Attribute) and call.func.attr in _DICT_WRITES and id(call.func.value) in apis
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            writes += [
                (node.lineno, apis[id(target.value)])
                for target in node.targets
                if isinstance(target, ast.Subscript) and id(target.value) in apis
            ]
    return writes


# The dict methods that put an entry in: `get_custom_objects().update({...})`.
_DICT_WRITES = frozenset({"update", "setdefault", "__setitem__"})


def _module_level_definitions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]:
    """Functions and classes defined at module level, also under `if`/`try` (optional imports)."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if statement.body:
                yield statement
        elif isinstance(statement, (ast.If, ast.Try)) or type(statement).__name__ == "TryStar":
            for part in ("body", "orelse", "finalbody"):
                pending.extend(getattr(statement, part, []))
            for handler in getattr(statement, "handlers", []):
                pending.extend(handler.body)


def _wrapper_registration(
    node: ast.AST, imports: ImportMap, wrappers: dict[str, KerasName], resolve_wrapper=None
) -> Registration | None:
    """`@my_register(...)` or `@my_register`, where my_register is a registration wrapper of
    this file or (through `resolve_wrapper`) of another module of the project. The key it
    registers under is its own business: unknown here."""
    target = node.func if isinstance(node, ast.Call) else node
    api = wrappers.get(target.id) if isinstance(target, ast.Name) else None
    if api is None and resolve_wrapper is not None:
        qualified = imports.qualify(target)
        if qualified and _may_be_project_module(qualified) and (dotted := resolve_wrapper(qualified)):
            # The index writes `tf.keras.utils...` (library and path) for a wrapper of tf.keras.
            if dotted.startswith("tf.keras."):
                dotted = "tensorflow." + dotted[len("tf."):]
            api = split_keras_name(dotted)
    if api is None:
        return None
    return Registration(api.library, api, None, None, node.lineno, node.col_offset)


# Imports that are never a module of the user's project: `@tf.function` or
# `@functools.wraps` must not make the checker read the project index.
_NOT_PROJECT_ROOTS = frozenset(getattr(sys, "stdlib_module_names", ())) | {"tensorflow", "numpy", "jax", "torch"}


def _may_be_project_module(qualified: str) -> bool:
    return split_keras_name(qualified) is None and qualified.partition(".")[0] not in _NOT_PROJECT_ROOTS


def _project_register_api(call: ast.Call, imports: ImportMap) -> str | None:
    """`keras.saving.register_keras_serializable(...)` where `keras` is a project module's name
    (`from keras_cv.src.backend import keras`): the dotted name, for the index to resolve."""
    qualified = imports.qualify(call.func)
    if qualified and qualified.endswith("." + REGISTER_FUNCTION) and _may_be_project_module(qualified):
        return qualified
    return None


def reexported_registration_wrappers(facts: ModuleFacts) -> dict[str, str]:
    """The module's registering decorators that register through a Keras name another module of the
    project re-exports: name -> the dotted register API as this module spells it."""
    if facts.tree is None:
        return {}
    return _registration_wrappers(facts.tree, facts.calls, facts.imports, _project_register_api)


def _literal_or_none(node: ast.AST | None, default: str) -> str | None:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return default
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _note_call_form_registration(
    statement: ast.stmt, imports: ImportMap, by_name: dict[str, KerasClass], dicts: dict[str, ast.Dict]
) -> None:
    """`Cls = register_keras_serializable()(Cls)`, `get_custom_objects()[...] = Cls` and
    `get_custom_objects().update(d)` (`d` a dict literal, or a module-level name bound to one)."""
    value = statement.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Call) and value.args:
        registration = _registration(value.func, imports)
        target = value.args[0]
        if registration is not None and isinstance(target, ast.Name) and target.id in by_name:
            registration.line, registration.col = statement.lineno, statement.col_offset
            by_name[target.id].registrations.append(registration)
        return
    if isinstance(statement, ast.Assign) and isinstance(value, ast.Name) and value.id in by_name:
        for target in statement.targets:
            if isinstance(target, ast.Subscript) and _is_custom_objects_call(target.value, imports):
                by_name[value.id].in_legacy_registry = True
        return
    # get_custom_objects().update({"Name": Cls})
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "update"
        and _is_custom_objects_call(value.func.value, imports)
    ):
        for argument in value.args:
            if isinstance(argument, ast.Name):  # `custom_objects = {...}` earlier in the module
                argument = dicts.get(argument.id, argument)
            if isinstance(argument, ast.Dict):
                for item in argument.values:
                    if isinstance(item, ast.Name) and item.id in by_name:
                        by_name[item.id].in_legacy_registry = True


def _is_keras_own_export(decorator: ast.AST) -> bool:
    """`@keras_export("keras.layers.Dense")`: Keras's own classes (keras, tf_keras) are found by
    their public name on load (Keras 3's keras_export registers them; tf_keras's deserialize looks
    them up in its own modules), with no register_keras_serializable."""
    if not (isinstance(decorator, ast.Call) and decorator.args):
        return False
    name = dotted_name(decorator.func)
    if name is None or name.rsplit(".", 1)[-1] != "keras_export":
        return False
    first = decorator.args[0]
    paths = first.elts if isinstance(first, (ast.Tuple, ast.List)) else [first]
    return all(isinstance(path, ast.Constant) and str(path.value).startswith("keras.") for path in paths)


def _is_custom_objects_call(node: ast.AST, imports: ImportMap) -> bool:
    if not isinstance(node, ast.Call):
        return False
    keras_name = imports.keras_name(node.func)
    return keras_name is not None and is_custom_objects_function(keras_name)


def _note_instantiation(keras_class: KerasClass, call: ast.Call, facts: ModuleFacts) -> None:
    keras_class.instantiated = True
    keras_class.most_positional_arguments = max(keras_class.most_positional_arguments, len(call.args))
    for position, argument in enumerate(call.args):
        if isinstance(argument, ast.Starred):
            break
        if (kind := facts.classify_value(argument)) is not None:
            keras_class.argument_evidence.setdefault(position, kind)
    for keyword in call.keywords:
        if keyword.arg and (kind := facts.classify_value(keyword.value)) is not None:
            keras_class.argument_evidence.setdefault(keyword.arg, kind)
