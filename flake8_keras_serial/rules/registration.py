"""KS105, KS107, KS108: can the loader find the class by the name in the file?

A saved model records each custom class by its registered name
(`package>Name`). `load_model` finds it only in the registry of the same
Keras library, filled by `register_keras_serializable` when the defining
module is imported (or by `custom_objects` at the load call).
"""

from __future__ import annotations

import ast
from typing import Iterator

from ..class_source import ClassSource
from ..keras_names import (
    KINDS_FOUND_BY_MODULE_IN_KERAS_3,
    dotted_name,
    is_register_function,
    keras_3_imports_module,
    register_prefix,
)
from ..model_io import every_load_passes, only_savedmodel_folders, only_weights_saved
from ..module_facts import Registration
from ..saveload_calls import SAVE
from .base import Finding, ModuleContext, Rule

# The decorator to suggest, spelled in the class's own library. Under Keras 3
# `tf.keras.saving` does not exist, but `tf.keras.utils` has the same function.
_DECORATOR_BY_LIBRARY = {
    ("keras", 3): "@keras.saving.register_keras_serializable()",
    ("keras", 2): "@keras.utils.register_keras_serializable()",
    ("tf.keras", 3): "@tf.keras.utils.register_keras_serializable()",
    ("tf.keras", 2): "@tf.keras.utils.register_keras_serializable()",
    ("tf_keras", 2): "@tf_keras.saving.register_keras_serializable()",
}

# Keras 2's `.keras` loader imports the module recorded in the file for a
# top-level model, loss or metric class, so those load unregistered there.
_FOUND_BY_MODULE_IN_KERAS_2 = frozenset({"model", "loss", "metric"})


def suggested_decorator(source: ClassSource) -> str:
    """Spelled through the file's own imports (`import tf_keras as keras` -> `@keras.saving...`)
    where it can be, else the library's usual spelling."""
    library = source.keras_class.library
    if not (library == "keras" and source.major == 2):  # a Keras 2 `keras` package may lack `saving`
        prefix = register_prefix(source.facts.imports.items(), library)
        if prefix is not None:
            return f"@{prefix}.register_keras_serializable()"
    return _DECORATOR_BY_LIBRARY[(library, source.major)]


def _matches_library(source: ClassSource, registration: Registration) -> bool:
    return source.facts.target.major_for(registration.library) == source.major and not _missing_api(
        source, registration
    )


def _missing_api(source: ClassSource, registration: Registration) -> bool:
    """`tf.keras.saving.register_keras_serializable` under Keras 3: AttributeError at import.

    Measured (TF 2.21, keras 3.15.1): reading `saving` as an attribute of the tf.keras module
    fails (`tf.keras.saving.X`; `from tensorflow import keras as tfk; tfk.saving.X`) until an
    import statement of the submodule has run (`from tensorflow.keras.saving import X`,
    `from tensorflow.keras import saving`, `import tensorflow.keras.saving`). After one,
    `tf.keras.saving` exists, and so does `tfk.saving` when `tfk` is bound after it (a `tfk`
    bound before stays without it). The import statements themselves work and register
    in the Keras 3 registry."""
    if not (
        registration.library == "tf.keras"
        and source.facts.target.major_for("tf.keras") == 3
        and registration.api.path.startswith("saving.")
    ):
        return False
    spelled = _spelled(source, registration)
    head = spelled.partition(".")[0] if spelled else None
    bound = source.facts.imports.qualify_dotted(head) if head else None
    if bound is not None and _inside_tf_keras_saving(bound):
        return False  # through a name an import statement of the submodule bound
    tree = source.facts.tree
    if tree is None:  # no tree: what the imports bind
        return not any(_inside_tf_keras_saving(target) for _, target in source.facts.imports.items())
    imported = [line for line in _submodule_import_lines(tree) if line < registration.line]
    if not imported:
        return True
    if bound == "tensorflow.keras" and head is not None:
        binding = _last_binding_line(tree, head, registration.line)
        # `tfk` bound before every submodule import above the decorator: still without `saving`.
        return binding is not None and not any(line < binding for line in imported)
    return False


_TF_KERAS_SAVING = "tensorflow.keras.saving"


def _inside_tf_keras_saving(qualified: str) -> bool:
    return qualified == _TF_KERAS_SAVING or qualified.startswith(_TF_KERAS_SAVING + ".")


def _submodule_import_lines(tree: ast.Module) -> list[int]:
    """Lines of the import statements that import `tensorflow.keras.saving` (`import
    tensorflow.keras.saving` binds only `tensorflow`, so the tree is read)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found = any(_inside_tf_keras_saving(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found = _inside_tf_keras_saving(node.module) or any(
                _inside_tf_keras_saving(f"{node.module}.{alias.name}") for alias in node.names
            )
        else:
            continue
        if found:
            lines.append(node.lineno)
    return lines


def _last_binding_line(tree: ast.Module, name: str, before_line: int) -> int | None:
    """The last line above `before_line` where an import or `name = ...` binds `name`."""
    lines = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", before_line) >= before_line:
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name.split(".")[0]) == name for alias in node.names):
                lines.append(node.lineno)
        elif isinstance(node, ast.Assign):
            if any(isinstance(target, ast.Name) and target.id == name for target in node.targets):
                lines.append(node.lineno)
    return max(lines, default=None)


class NotRegistered(Rule):
    code = "KS105"
    needs_own_config = True

    def applies(self, module: ModuleContext, source: ClassSource) -> bool:
        # A base class (subclassed here or in another module, built nowhere): only its subclasses are saved.
        return (
            super().applies(module, source)
            and not module.abstract_base(source)
            and not found_by_module_in_keras_3(module, source)
            and not name_never_looked_up(module, source)
        )

    def check(self, source: ClassSource) -> Iterator[Finding]:
        keras_class = source.keras_class
        if keras_class.registrations or keras_class.in_legacy_registry:
            return  # a wrong-library registration is KS108's finding
        if bare_registrations(source.facts, keras_class.node):
            return  # KS111: the decorator without () leaves no class at all
        if source.major == 2 and keras_class.kind in _FOUND_BY_MODULE_IN_KERAS_2:
            return
        if _named_like_its_keras_base(source):
            yield self.finding(source.class_position(), _substituted_message(source))
            return
        if source.major == 3:
            error = f"TypeError: Could not locate class '{source.name}'"
        else:
            error = (
                f"TypeError: 'str' object is not callable (.keras) or "
                f"ValueError: Unknown {source.keras_class.kind}: '{source.name}' (.h5)"
            )
        yield self.finding(
            source.class_position(),
            f"{source.name} is not registered: load_model() without custom_objects cannot find it ({error}); "
            f"decorate it with {suggested_decorator(source)}",
        )


def _named_like_its_keras_base(source: ClassSource) -> bool:
    """`class GlobalMaxPooling1D(keras.layers.GlobalMaxPooling1D)`: the loader looks the
    unregistered name up among Keras's own classes and finds the base."""
    if source.keras_class.kind != "layer":  # measured for layers only
        return False
    imports = source.facts.imports
    return any(
        (found := imports.keras_name(base)) is not None and found.last == source.name
        for base in source.keras_class.node.bases
    )


def _substituted_message(source: ClassSource) -> str:
    """Measured on a layer (save and load in separate processes): tf_keras 2.21 loads Keras's
    class of that name from .h5, SavedModel folders and .keras, with no error and other outputs;
    Keras 3.15.1 does from .h5, and from .keras fails to locate the class."""
    if source.major == 2:
        formats, otherwise = "load_model() of .h5, .keras or a SavedModel folder", ""
    else:
        formats, otherwise = "load_model() of .h5", "; a .keras load cannot locate it"
    return (
        f"{source.name} is not registered and has the name of its Keras base: {formats} builds Keras's own "
        f"{source.name} instead, without this class's code (no error if the config fits it){otherwise}; "
        f"decorate it with {suggested_decorator(source)}"
    )


class DuplicateRegisteredName(Rule):
    """Two registrations of one key: the registry keeps the last (Keras 3.15 and tf_keras 2.21
    alike assign into their dict, with no check). That matters only when the two classes differ:
    two copies of one class in two modules (the same code, as test modules copy a helper layer)
    build the same object whichever registration wins."""

    code = "KS107"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        first_by_key: dict[str, ClassSource] = {}
        for source in module.sources:
            for registration in source.keras_class.registrations:
                key = registration.key(source.name)
                if key is None:
                    continue
                first = first_by_key.setdefault(key, source)
                if first is not source:  # another class of this file has the key
                    other = f"{first.name} (line {first.keras_class.node.lineno})"
                elif (found := _registered_elsewhere(module, key, source.keras_class.source_digest)) is not None:
                    other = found
                else:
                    continue
                yield self.finding(
                    (registration.line, registration.col),
                    f"{source.name} is registered as '{key}', the name {other} already has: loading silently "
                    f"builds the last one registered; give it its own name= or package=",
                )


def _registered_elsewhere(module: ModuleContext, key: str, digest: str) -> str | None:
    """`module.Class` of another module of the project registered as `key`, unless it is a
    copy of this class (the same source digest)."""
    index = module.disk_index
    if index is None:
        return None
    here = module.project.module
    return next(
        (
            f"{owner}.{name}"
            for owner, name, other_digest in index.registered_keys.get(key, [])
            if owner != here and other_digest != digest
        ),
        None,
    )


class WrongRegistry(Rule):
    code = "KS108"

    def check(self, source: ClassSource) -> Iterator[Finding]:
        target = source.facts.target
        for registration in source.keras_class.registrations:
            api = f"{registration.library}.{registration.api.path}"
            if _missing_api(source, registration):
                spelled = _spelled(source, registration) or api
                yield self.finding(
                    (registration.line, registration.col),
                    f"{spelled}: under Keras 3 the tf.keras module has no attribute 'saving' (only an import "
                    f"statement of tensorflow.keras.saving makes it), so importing this file raises "
                    f"AttributeError; use {suggested_decorator(source)}",
                )
            elif not _matches_library(source, registration):
                registry = f"Keras {target.major_for(registration.library)}"
                yield self.finding(
                    (registration.line, registration.col),
                    f"{source.name} is a Keras {source.major} class but {api} registers it in the {registry} "
                    f"registry, which its loader never reads; use {suggested_decorator(source)}",
                )


def _spelled(source: ClassSource, registration: Registration) -> str | None:
    """The decorator as written (`tfk.saving.register_keras_serializable`)."""
    for decorator in source.keras_class.node.decorator_list:
        if isinstance(decorator, ast.Call) and decorator.lineno == registration.line:
            return dotted_name(decorator.func)
    return None


def found_by_module_in_keras_3(module: ModuleContext, source: ClassSource) -> bool:
    """Keras 3 finds an unregistered class of a module inside a `keras`, `keras_hub`, `keras_cv`
    or `keras_nlp` package by importing the module its config names (.keras files; see
    keras_names). Not from HDF5: a file that saves HDF5 keeps the finding."""
    if source.major != 3 or source.keras_class.kind not in KINDS_FOUND_BY_MODULE_IN_KERAS_3:
        return False
    if module.project is None or not keras_3_imports_module(module.project.module):
        return False
    return not any(entry.kind == SAVE and entry.writes_hdf5() for entry in module.save_load_calls)


def name_never_looked_up(module: ModuleContext, source: ClassSource) -> bool:
    """What the project index shows about every save and load of the project (model_io.py):
    only weights are saved; or every load passes the class in custom_objects (or a
    custom_object_scope) and the project's own dicts list it; or, Keras 2, only SavedModel
    folders are saved and loaded. Unknown (no project): False, the finding stands."""
    index = module.index
    if index is None:
        return False
    summaries = index.modules.values()
    return (
        only_weights_saved(summaries)
        or every_load_passes(summaries, source.name)
        or (source.major == 2 and only_savedmodel_folders(summaries))
    )


def bare_registrations(facts, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    """`@register_keras_serializable` with no call: the decorators of `node` that are one."""
    return [
        decorator
        for decorator in node.decorator_list
        if isinstance(decorator, (ast.Name, ast.Attribute))
        and (api := facts.imports.keras_name(decorator)) is not None
        and is_register_function(api)
    ]


class BareRegisterDecorator(Rule):
    """KS111: `@register_keras_serializable` without parentheses. Keras takes the class as
    its `package` argument and returns its inner decorator, which the class name is then
    bound to (measured: Keras 3.15, tf_keras 2.21)."""

    code = "KS111"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        definitions = [source.keras_class.node for source in module.sources]
        definitions += [node for node in facts.functions.values() if node not in definitions]
        for node in sorted(definitions, key=lambda item: (item.lineno, item.col_offset)):
            for decorator in bare_registrations(facts, node):
                name = node.name
                if isinstance(node, ast.ClassDef):
                    what, effect = "the class", (
                        f"{name}(3) raises AttributeError: 'int' object has no attribute '__name__', "
                        f"keywords or subclassing TypeError"
                    )
                else:
                    what, effect = "the function", f"{name}(y_true, y_pred) raises TypeError"
                spelled = dotted(decorator)
                yield self.finding(
                    (decorator.lineno, node.col_offset),
                    f"register_keras_serializable without (): Keras takes {what} as package= and binds {name} "
                    f"to a function: {effect}; write @{spelled}()",
                )


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else "register_keras_serializable"


RULES = [NotRegistered(), DuplicateRegisteredName(), WrongRegistry(), BareRegisterDecorator()]
