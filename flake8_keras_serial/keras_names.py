"""The one place that knows how Keras is spelled.

Everything else in the package asks this module what a dotted name means:
which Keras library it belongs to (`keras`, `tf.keras` or `tf_keras`) and
what it is (a serializable base class, the registration decorator, a
variable constructor, a serialization helper...).

Names are resolved by a small import-alias pass over the `ast` tree that
flake8 hands us for free (`ImportMap`), never by importing anything.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Dotted module prefixes of each Keras library, longest first so that
# `tensorflow.python.keras` wins over `tensorflow`.
#   "keras"    the `keras` package (Keras 3 today, Keras 2 before TF 2.16)
#   "tf.keras" whatever `tf.keras` is at run time (Keras 3, or tf_keras
#              under TF_USE_LEGACY_KERAS=1)
#   "tf_keras" the tf_keras package (always Keras 2)
_LIBRARY_PREFIXES = (
    ("tensorflow.compat.v2.keras", "tf.keras"),
    ("tensorflow.compat.v1.keras", "tf.keras"),
    ("tensorflow.python.keras", "tf.keras"),
    ("tensorflow.keras", "tf.keras"),
    ("tf_keras.api._v2.keras", "tf_keras"),
    ("tf_keras.src", "tf_keras"),
    ("tf_keras", "tf_keras"),
    ("keras.api._v2.keras", "keras"),
    ("keras._tf_keras.keras", "keras"),
    ("keras.src", "keras"),
    ("keras.api", "keras"),
    ("keras", "keras"),
)

# What a class is, from the last component of its Keras base class name.
# Only Layer and Model have Keras's automatic get_config ("auto-config").
GENERIC_BASES = {
    "Layer": "layer",
    "Model": "model",
    "Loss": "loss",
    "Metric": "metric",
    "Initializer": "initializer",
    "Regularizer": "regularizer",
    "Constraint": "constraint",
    "LearningRateSchedule": "schedule",
    "Optimizer": "optimizer",
}

# Concrete built-in classes are recognised by the module they live in:
# `keras.layers.Dense` is a layer, `keras.losses.Huber` a loss.
_KIND_BY_MODULE = {
    "layers": "layer",
    "models": "model",
    "losses": "loss",
    "metrics": "metric",
    "initializers": "initializer",
    "regularizers": "regularizer",
    "constraints": "constraint",
    "optimizers.schedules": "schedule",
    "optimizers": "optimizer",
}

# Keras 3's .keras loader imports the module a class's config names, registered or not, when
# that module is inside one of these packages (serialization_lib._retrieve_class_or_fn; measured
# with 3.15.1: an unregistered layer of a `keras_nlp.blocks` module loads from .keras, and from
# .h5 fails with "Unknown layer: 'Scale'"). Functions are not found that way.
_PACKAGES_KERAS_3_IMPORTS = frozenset({"keras", "keras_hub", "keras_cv", "keras_nlp"})
KINDS_FOUND_BY_MODULE_IN_KERAS_3 = frozenset({"layer", "model", "loss", "metric"})


def keras_3_imports_module(module: str) -> bool:
    """Whether Keras 3 finds an unregistered class of this module by importing it."""
    return module.split(".", 1)[0] in _PACKAGES_KERAS_3_IMPORTS


# Top-level concrete models (`keras.Sequential`).
_CONCRETE_TOP_LEVEL = {"Sequential": "model"}

REGISTER_FUNCTION = "register_keras_serializable"
# The function's public modules, and where Keras's own source imports it from
# (`keras.src.saving.object_registration`, tf.keras 2.x's `utils.generic_utils`).
_REGISTER_MODULES = ("saving", "utils", "", "object_registration", "generic_utils")

# How a file reaches register_keras_serializable of a library, by the module a local
# name is bound to: library -> [(imported module, template for the local name)].
# `tf.keras.saving` does not exist under Keras 3, `tf.keras.utils` has the function.
REGISTER_ROUTES = {
    "keras": [("keras", "{}.saving"), ("keras.saving", "{}")],
    "tf.keras": [("tensorflow.keras", "{}.utils"), ("tensorflow", "{}.keras.utils"), ("tensorflow.keras.utils", "{}")],
    "tf_keras": [("tf_keras", "{}.saving"), ("tf_keras.saving", "{}")],
}


def register_prefix(bindings, library: str, first: str | None = None) -> str | None:
    """The prefix (`keras.saving`, `tf.keras.utils`...) through which a file's own
    imports reach register_keras_serializable of `library`; `bindings` are (local name,
    qualified name) pairs, and the local name `first` is tried first."""
    for local, target in sorted(bindings, key=lambda item: item[0] != first):
        for module, template in REGISTER_ROUTES[library]:
            if target == module:
                return template.format(local)
    return None


# `get_custom_objects()[...] = Cls` / `.update({...})` is the legacy registry.
CUSTOM_OBJECTS_FUNCTION = "get_custom_objects"

# Modules whose attributes are functions: `tf.nn.relu` passed as a value is
# a callable (and so not auto-configurable).
_FUNCTION_MODULES = (
    "tensorflow.nn.",
    "tensorflow.math.",
    "tensorflow.keras.activations.",
    "keras.activations.",
    "keras.ops.",
    "tf_keras.activations.",
)

# Calls whose result is an array or tensor.
_ARRAY_CALL_PREFIXES = ("numpy.", "tensorflow.", "keras.ops.", "jax.numpy.")
_NOT_ARRAY_CALLS = {"tensorflow.TensorShape", "numpy.float32", "numpy.float64", "numpy.int32", "numpy.int64"}


@dataclass(frozen=True)
class KerasName:
    """A dotted name inside a Keras library, e.g. ("tf.keras", "layers.Dense")."""

    library: str
    path: str

    @property
    def last(self) -> str:
        return self.path.rsplit(".", 1)[-1]


def split_keras_name(qualified: str | None) -> KerasName | None:
    """`tensorflow.keras.layers.Dense` -> KerasName("tf.keras", "layers.Dense")."""
    if not qualified:
        return None
    for prefix, library in _LIBRARY_PREFIXES:
        if qualified == prefix:
            return KerasName(library, "")
        if qualified.startswith(prefix + "."):
            return KerasName(library, qualified[len(prefix) + 1 :])
    return None


_PUBLIC_MODULES = frozenset(
    {"layers", "models", "losses", "metrics", "initializers", "regularizers", "constraints", "optimizers"}
)


def _strip_internal_modules(path: str) -> str:
    """`engine.base_layer.Layer` or `src.layers.layer.Layer` -> `Layer`-ish paths.

    Internal module paths differ between versions; only the public
    namespace (`layers`, `losses`, ...) and the class name matter here.
    """
    parts = path.split(".")
    for index, part in enumerate(parts):
        if part in _PUBLIC_MODULES:
            if index + 1 < len(parts) and parts[index + 1] == "schedules":
                return "optimizers.schedules." + parts[-1]
            return part + "." + parts[-1]
    return parts[-1]


def serializable_base(name: KerasName) -> tuple[str, bool] | None:
    """(kind, is_generic) for a Keras class usable as a base, else None.

    is_generic is True for the abstract bases (Layer, Model, Loss...),
    False for concrete built-ins such as Dense, which bring their own
    get_config.
    """
    last = name.last
    if not last or not last[0].isupper():
        return None
    if last in GENERIC_BASES:
        return GENERIC_BASES[last], True
    if last in _CONCRETE_TOP_LEVEL and "." not in name.path:
        return _CONCRETE_TOP_LEVEL[last], False
    module = _strip_internal_modules(name.path).rsplit(".", 1)[0]
    if module in _KIND_BY_MODULE:
        return _KIND_BY_MODULE[module], False
    return None


def is_register_function(name: KerasName) -> bool:
    module, _, last = name.path.rpartition(".")
    return last == REGISTER_FUNCTION and module.split(".")[-1] in _REGISTER_MODULES


def is_custom_objects_function(name: KerasName) -> bool:
    return name.last == CUSTOM_OBJECTS_FUNCTION


def is_keras_variable(name: KerasName) -> bool:
    """`keras.Variable` (Keras 3) or `tf.keras.Variable`."""
    return name.path in ("Variable", "variables.Variable", "backend.Variable")


def is_layer_constructor(name: KerasName) -> bool:
    """`keras.layers.Dense`, `tf.keras.layers.Lambda`, `keras.Sequential`..."""
    found = serializable_base(name)
    return found is not None and found[0] in ("layer", "model")


def api_named(name: KerasName | None, *names: str) -> bool:
    """`keras.models.load_model`, `tf.keras.saving.load_model`... by their last component."""
    return name is not None and name.last in names


def is_function_reference(qualified: str | None) -> bool:
    """`tf.nn.relu` or `keras.activations.gelu` used as a value."""
    return bool(qualified) and qualified.startswith(_FUNCTION_MODULES)


def is_array_call(qualified: str | None) -> bool:
    """`np.zeros(...)`, `tf.constant(...)`: the call builds an array or tensor."""
    if not qualified or qualified in _NOT_ARRAY_CALLS:
        return False
    if split_keras_name(qualified) is not None:
        return False
    return qualified.startswith(_ARRAY_CALL_PREFIXES)


def is_tf_variable(qualified: str | None) -> bool:
    return qualified in ("tensorflow.Variable", "tensorflow.compat.v2.Variable", "tensorflow.compat.v1.Variable")


class ImportMap:
    """Local name -> fully qualified dotted name, from the module's imports.

    `import tensorflow as tf`          tf     -> tensorflow
    `from tensorflow import keras`     keras  -> tensorflow.keras
    `from keras import layers as L`    L      -> keras.layers
    `import tf_keras as keras`         keras  -> tf_keras

    Imports anywhere in the file count (inside `try:` or functions too):
    scripts often import TensorFlow lazily, and a name that is imported
    only in one branch still means the same library.
    """

    def __init__(self, module: str | None = None) -> None:
        self._aliases: dict[str, str] = {}
        self._module = module  # this module's dotted name, to resolve relative imports
        # Names the module's top level binds (see bind_module_level): what it exports.
        self.module_level: set[str] = set()
        # `from keras import *` at the top level: the Keras module this one stands for.
        self.star_keras: str | None = None
        self._functions: dict[str, ast.FunctionDef] = {}  # top-level defs, for `keras = _get_keras()`

    def absolute_module(self, node: ast.ImportFrom) -> str | None:
        """The module a `from ... import` reads from, relative imports resolved."""
        if not node.level:
            return node.module
        if self._module is None:
            return None
        parts = self._module.split(".")
        # `from . import x` in pkg/mod.py is pkg.x; in pkg/__init__.py the module name is pkg itself,
        # which the caller passes as "pkg.__init__" so that the same arithmetic holds.
        base = parts[: len(parts) - node.level]
        if not base and node.level > len(parts) - 1:
            return None
        return ".".join([*base, *([node.module] if node.module else [])]) or None

    def add(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self._aliases[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    self._aliases.setdefault(top, top)
        elif (module := self.absolute_module(node)) is not None:
            for alias in node.names:
                if alias.name != "*":
                    self._aliases[alias.asname or alias.name] = f"{module}.{alias.name}"

    def bind(self, local: str, qualified: str) -> None:
        """`keras = tf.keras`: the local name now means `qualified`."""
        self._aliases[local] = qualified

    def forget(self, local: str) -> None:
        self._aliases.pop(local, None)

    def copy(self) -> "ImportMap":
        found = ImportMap(self._module)
        found._aliases = dict(self._aliases)
        found.module_level = set(self.module_level)
        found.star_keras = self.star_keras
        found._functions = self._functions
        return found

    def qualify(self, node: ast.AST) -> str | None:
        """The dotted name an `ast` expression refers to, or None if unknown."""
        return self.qualify_dotted(dotted_name(node))

    def qualify_dotted(self, dotted: str | None) -> str | None:
        """`tf.keras.layers.Layer` -> `tensorflow.keras.layers.Layer`."""
        if not dotted:
            return None
        head, dot, rest = dotted.partition(".")
        if head not in self._aliases:
            return None
        return self._aliases[head] + dot + rest

    def items(self):
        """(local name, qualified name) pairs."""
        return self._aliases.items()

    def keras_name(self, node: ast.AST) -> KerasName | None:
        return split_keras_name(self.qualify(node))

    def imports_library(self, library: str) -> bool:
        return any(
            (found := split_keras_name(target)) is not None and found.library == library
            for target in self._aliases.values()
        )


def dotted_name(node: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain, without resolving imports."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def is_main_guard(test: ast.expr) -> bool:
    """`if __name__ == "__main__":` (either side)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [side for side in sides if isinstance(side, ast.Name) and side.id == "__name__"]
    mains = [side for side in sides if isinstance(side, ast.Constant) and side.value == "__main__"]
    return len(names) == 1 and len(mains) == 1


def values_assigned_in(scope: ast.AST, name: str) -> list[ast.expr]:
    """The values `name = ...` statements inside `scope` give the name, in walk order."""
    return [
        statement.value
        for statement in ast.walk(scope)
        if isinstance(statement, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == name for target in statement.targets)
    ]


# --- What the module's top level binds ----------------------------------------
#
# `ImportMap.add` sees every import of the file, in walk order. The top level is then read
# again in source order, as Python runs it, so that the names a module binds (and exports
# to the rest of the project) are the ones that hold after its last statement:
#
#   keras = tf.keras                      an alias of an alias
#   layers = keras.layers
#   try: import keras                     of an optional import, the branch whose Keras is
#   except ImportError: import tf_keras   the one targeted (else the first)
#   if keras_version() >= 3: ...          of a version test, the branch whose Keras is the
#   else: ...                             one targeted (else the first)

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_VERSION_WORDS = ("version", "legacy", "keras")


def bind_module_level(imports: ImportMap, body: list[ast.stmt], project_major: int) -> None:
    """Read a module's top-level statements in order into `imports` (see above)."""
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            imports.add(statement)
            if isinstance(statement, ast.Import):  # `import keras` rebinds `keras` whatever an earlier import made it
                for alias in statement.names:
                    if not alias.asname:
                        top = alias.name.split(".", 1)[0]
                        imports.bind(top, top)
            imports.module_level.update(_bound_by_import(statement))
            if isinstance(statement, ast.ImportFrom) and any(alias.name == "*" for alias in statement.names):
                module = imports.absolute_module(statement)
                if split_keras_name(module) is not None:
                    imports.star_keras = module
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            _bind_assignment(imports, statement, project_major)
        elif isinstance(statement, ast.FunctionDef):
            imports._functions[statement.name] = statement
        elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            if any(_catches_import_error(handler) for handler in statement.handlers):
                branches = [statement.body + statement.orelse, *(handler.body for handler in statement.handlers)]
                bind_module_level(imports, _chosen_branch(imports, branches, project_major), project_major)
            else:
                bind_module_level(imports, statement.body + statement.orelse, project_major)
            bind_module_level(imports, statement.finalbody, project_major)
        elif isinstance(statement, ast.If):
            branches = [statement.body, statement.orelse]
            if _is_version_test(statement.test):
                chosen = _chosen_branch(imports, branches, project_major)
            else:
                chosen = statement.body
            bind_module_level(imports, chosen, project_major)


def _bound_by_import(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.asname or alias.name.split(".", 1)[0] for alias in node.names]
    return [alias.asname or alias.name for alias in node.names if alias.name != "*"]


def _bind_assignment(imports: ImportMap, statement: ast.Assign | ast.AnnAssign, project_major: int) -> None:
    """`keras = tf.keras` binds an alias, and so does `keras = _get_keras()` when that function of
    the module returns one; `keras = Other()` forgets one bound at the top level."""
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    names = [target.id for target in targets if isinstance(target, ast.Name)]
    if not names:
        return
    value = statement.value
    qualified = imports.qualify(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and not value.args and not value.keywords:
        function = imports._functions.get(value.func.id)
        qualified = _returned_keras(imports, function, project_major) if function is not None else None
    for name in names:
        if qualified is not None:
            imports.bind(name, qualified)
            imports.module_level.add(name)
        elif name in imports.module_level:
            imports.forget(name)
            imports.module_level.discard(name)


def _returned_keras(imports: ImportMap, function: ast.FunctionDef, project_major: int) -> str | None:
    """The Keras name a module's function returns: `import tf_keras as k` (or `k = tf.keras`) then `return k`,
    its body read like a top level (version tests and optional imports choose a branch)."""
    trial = imports.copy()
    trial.module_level = set()
    bind_module_level(trial, function.body, project_major)
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and isinstance(node.value, (ast.Name, ast.Attribute)):
            found = trial.qualify(node.value)
            if split_keras_name(found) is not None:
                return found
    return None


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(dotted_name(kind) in _IMPORT_ERRORS for kind in kinds)


def _is_version_test(test: ast.expr) -> bool:
    """`keras.__version__ >= "3"`, `if USE_LEGACY_KERAS:`, `if version.parse(tf.__version__) < ...`."""
    for node in ast.walk(test):
        text = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        if text and any(word in text.lower() for word in _VERSION_WORDS):
            return True
    return False


def _chosen_branch(imports: ImportMap, branches: list[list[ast.stmt]], project_major: int) -> list[ast.stmt]:
    """The first branch that binds the Keras package of the targeted major (`keras` for 3,
    `tf_keras` for 2), else the first that binds `tf.keras` (whatever is targeted), else the first."""
    bound = [_libraries_bound(imports, branch, project_major) for branch in branches]
    wanted = "keras" if int(project_major) == 3 else "tf_keras"
    for library in (wanted, "tf.keras"):
        for branch, libraries in zip(branches, bound):
            if library in libraries:
                return branch
    return branches[0]


def _libraries_bound(imports: ImportMap, branch: list[ast.stmt], project_major: int) -> set[str]:
    """The Keras libraries of the Keras names a branch binds."""
    trial = imports.copy()
    trial.module_level = set()
    bind_module_level(trial, branch, project_major)
    return {
        found.library for local in trial.module_level if (found := split_keras_name(trial.qualify_dotted(local)))
    }
