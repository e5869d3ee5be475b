"""What to build for each custom class, read from the source (no TensorFlow).

A class is tested when its constructor arguments and an input shape can be
taken from the file: literal arguments at a call site (`Proj(16)`), defaults
for every parameter, or a `[tool.keras-serial.verify.<Class>]` table in
pyproject.toml; the input shape from that table, the `keras.Input` the class
is called on, or the file's first `keras.Input(shape=...)`, `input_shape=...`
or `build((None, 16))`.
"""

from __future__ import annotations

import ast
import json
import sys
import tokenize
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..class_source import ClassSource, Signature
from ..keras_names import api_named, split_keras_name
from ..module_facts import collect_module_facts
from ..project_index import ProjectContext, find_project_root
from ..rules.base import ModuleContext
from .constants import Evaluator, Unknown, enclosing_functions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = None

DEFAULT_INPUT_SHAPE = [4]


@dataclass
class Case:
    """One class to build, save and load."""

    case_id: str
    file: str
    module: str
    class_name: str
    kind: str
    line: int
    end_line: int
    major: int
    first_line: int = 0  # the first decorator's line (registration findings point there)
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    input_shape: list[int] = field(default_factory=lambda: list(DEFAULT_INPUT_SHAPE))
    how: str = ""  # how the arguments and shape were found, said to the user
    formats: list[str] = field(default_factory=lambda: ["keras"])
    module_path: str = ""  # the definitions-only copy the workers import (set by the runner)
    package_root: str | None = None  # for a package module: the folder its top package is in
    subclassed: bool = False  # a subclassed Model (not a layer, not Functional/Sequential)
    input_dtype: str = "float32"
    # {"list": n} or {"dict": [keys]} when call() unpacks or indexes its inputs; {} for one tensor.
    input_structure: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Untested:
    file: str
    class_name: str
    line: int
    reason: str
    # Not a save target of its own: a base class, or a layer its owner's
    # constructor builds again on load (the owner's verdict covers it).
    covered_by: str | None = None


@dataclass
class ModuleName:
    """How the workers import a user's file: under a name unique in the run."""

    name: str
    shown: str  # what the report calls it: the file's own module name
    package_root: str | None = None


def module_names(paths: list[Path]) -> dict[Path, ModuleName]:
    """A module name per file, unique in the run (two `train.py` in two folders
    must not share one); a file with relative imports is imported as part of
    its package (`pkg.sub.model`), with the package's folder importable."""
    names: dict[Path, ModuleName] = {}
    taken: set[str] = set()
    for path in paths:
        resolved = path.resolve()
        package = _package_name(resolved)
        if package is not None:
            name, root = package
            names[path] = ModuleName(name, name, root)
            taken.add(name)
            continue
        name, count = resolved.stem, 1
        while name in taken or not name.isidentifier():
            count += 1
            name = f"{_identifier(resolved.stem)}_{count}"
        taken.add(name)
        names[path] = ModuleName(name, resolved.stem)
    return names


def _identifier(stem: str) -> str:
    cleaned = "".join(char if char.isalnum() or char == "_" else "_" for char in stem)
    return cleaned if cleaned[:1].isalpha() or cleaned[:1] == "_" else f"m_{cleaned}"


def _package_name(path: Path) -> tuple[str, str] | None:
    """('pkg.sub.model', folder holding pkg) for a file that imports relatively."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, OSError, ValueError, RecursionError):
        return None
    if not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree)):
        return None
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    if len(parts) == 1:
        return None
    return ".".join(parts), str(folder)


def saves_hdf5(tree: ast.Module) -> bool:
    """Whether the file saves a whole model to HDF5: `.save("m.h5")`,
    `save_model(m, "m.h5")` or `save_format="h5"` (a `.weights.h5` for
    save_weights or ModelCheckpoint is not a model save)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in ("save", "save_model"):
            continue
        for keyword in node.keywords:
            if keyword.arg == "save_format" and isinstance(keyword.value, ast.Constant) and keyword.value.value == "h5":
                return True
        index = 1 if name == "save_model" else 0
        candidates = [*node.args[index:index + 1], *(k.value for k in node.keywords if k.arg == "filepath")]
        if any(_ends_with_h5(candidate) for candidate in candidates):
            return True
    return False


def _ends_with_h5(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[-1]
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    text = node.value.lower()
    return text.endswith((".h5", ".hdf5")) and not text.endswith(".weights.h5")


def plan_file(
    path: Path, project_major: int, first_id: int = 0, module: ModuleName | None = None
) -> tuple[list[Case], list[Untested]]:
    with tokenize.open(path) as handle:
        source = handle.read()
    tree = ast.parse(source)
    facts = collect_module_facts(tree, project_major)
    module_name = module or ModuleName(path.stem, path.stem)
    # Layers that their owners build again on load are tested through the owners.
    module = ModuleContext(facts, [], source.splitlines(True), ProjectContext.for_file(str(path), project_major))
    settings = _pyproject_settings(path)
    shape_in_file = _input_shape(tree, facts)
    class_shapes = shapes_by_class(tree, facts, {item.name for item in facts.classes})
    formats = ["keras", "h5"] if saves_hdf5(tree) else ["keras"]
    cases: list[Case] = []
    untested: list[Untested] = []
    for keras_class in facts.classes:
        if keras_class.kind not in ("layer", "model"):
            continue
        line = keras_class.node.lineno
        source_view = ClassSource(keras_class, facts)
        if module.abstract_base(source_view):
            reason = "a base class: only its subclasses are built"
            untested.append(Untested(str(path), keras_class.name, line, reason, covered_by="subclasses"))
            continue
        owner = module.rebuilt_by(source_view)
        if owner is not None:
            reason = f"built by {owner}'s constructor, which builds it again on load: tested through it"
            untested.append(Untested(str(path), keras_class.name, line, reason, covered_by=owner))
            continue
        class_settings = class_table(settings, module_name.shown, keras_class.name)
        found = _arguments(keras_class.name, tree, facts, source_view.init_signature, class_settings)
        if isinstance(found, str):
            untested.append(Untested(str(path), keras_class.name, line, found))
            continue
        args, kwargs, how = found
        own_shape, own_line = class_shapes.get(keras_class.name, (None, 0))
        shape = class_settings.get("input_shape") or own_shape or shape_in_file
        if class_settings.get("input_shape"):
            shape_how = "input shape from pyproject.toml"
        elif own_shape:
            shape_how = f"input shape from the call on line {own_line}"
        else:
            shape_how = "input shape from the file" if shape else f"input shape {tuple(DEFAULT_INPUT_SHAPE)} assumed"
        structure = input_structure(keras_class.node)
        if "list" in structure:
            shape_how += f", {structure['list']} inputs (call() unpacks them)"
        elif "dict" in structure:
            shape_how += f", a dict of inputs {', '.join(structure['dict'][:4])} (call() reads them)"
        cases.append(
            Case(
                case_id=f"c{first_id + len(cases)}",
                file=str(path.resolve()),
                module=module_name.name,
                package_root=module_name.package_root,
                subclassed=keras_class.kind == "model",
                input_dtype=str(class_settings.get("input_dtype", "float32")),
                input_structure=structure,
                class_name=keras_class.name,
                kind=keras_class.kind,
                line=line,
                end_line=keras_class.node.end_lineno or line,
                first_line=min([line, *(decorator.lineno for decorator in keras_class.node.decorator_list)]),
                major=facts.target.major_for(keras_class.library),
                args=args,
                kwargs=kwargs,
                input_shape=list(shape or DEFAULT_INPUT_SHAPE),
                how=f"{how}; {shape_how}",
                formats=formats,
            )
        )
    return cases, untested


def _arguments(name: str, tree: ast.Module, facts, signature: Signature | None, settings: dict):
    """(args, kwargs, how) as value specs (see `value_spec`), or the reason it cannot be built."""
    if "args" in settings or "kwargs" in settings:
        args = [{"value": value} for value in settings.get("args", [])]
        kwargs = {key: {"value": value} for key, value in settings.get("kwargs", {}).items()}
        return args, kwargs, "arguments from pyproject.toml"
    evaluator = Evaluator(tree)
    functions = enclosing_functions(tree)
    first_call = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            first_call = first_call or node
            function = functions.get(id(node))
            scope = evaluator.function_scope(function) if function is not None else {}
            if any(isinstance(argument, ast.Starred) for argument in node.args) or any(
                item.arg is None for item in node.keywords
            ):
                continue
            args = [value_spec(argument, facts, evaluator, scope) for argument in node.args]
            kwargs = {item.arg: value_spec(item.value, facts, evaluator, scope) for item in node.keywords}
            if None in args or None in kwargs.values():
                continue
            return args, kwargs, f"arguments from the call on line {node.lineno}"
    if signature is None or all(not param.required for param in signature.parameters):
        return [], {}, "default arguments"
    missing = ", ".join(param.name for param in signature.parameters if param.required)
    if first_call is not None:
        said = f"the verifier cannot rebuild the arguments of the call on line {first_call.lineno} ('{missing}')"
    else:
        said = f"no call in the file gives '{missing}' a value"
    return f"{said}; set it in [tool.keras-serial.verify.{name}] in pyproject.toml"


def _constant(node: ast.expr, evaluator: Evaluator | None, scope: dict):
    """The value of a constant expression, JSON-safe, or raise Unknown."""
    if evaluator is None:
        try:
            value = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError) as error:
            raise Unknown from error
    else:
        value = evaluator.value(node, scope)
    try:
        json.dumps(value)
    except (TypeError, ValueError) as error:
        raise Unknown from error
    return value


def value_spec(node: ast.expr, facts, evaluator: Evaluator | None = None, scope: dict | None = None) -> dict | None:
    """How the worker rebuilds an argument: a constant, a Keras layer made from
    constants, a function of the module, a library function, or a numpy array."""
    scope = scope or {}
    try:
        return {"value": _constant(node, evaluator, scope)}
    except Unknown:
        pass
    if isinstance(node, ast.Name) and node.id in facts.functions and node.id not in scope:
        return {"function": node.id}
    qualified = facts.imports.qualify(node.func if isinstance(node, ast.Call) else node)
    keras_name = split_keras_name(qualified)
    if isinstance(node, ast.Call):
        try:
            args = [_constant(argument, evaluator, scope) for argument in node.args]
            kwargs = {item.arg: _constant(item.value, evaluator, scope) for item in node.keywords}
        except Unknown:
            return None
        if None in kwargs:
            return None
        if keras_name is not None and keras_name.path:
            return {"keras": keras_name.path, "args": args, "kwargs": kwargs}
        if qualified in ("numpy.array", "numpy.asarray") and len(args) == 1:
            return {"array": args[0]}
        return None
    if keras_name is not None and keras_name.path:
        return {"keras": keras_name.path}
    if qualified and qualified.startswith(("tensorflow.", "numpy.")):
        return {"attribute": qualified}
    return None


def _input_call_shape(call: ast.Call, facts, evaluator: Evaluator, scope: dict) -> list[int] | None:
    """The shape of a `keras.Input(shape=...)` call, when it can be told from the source."""
    if not api_named(facts.imports.keras_name(call.func), "Input"):
        return None
    candidates = [item.value for item in call.keywords if item.arg == "shape"] + call.args[:1]
    for candidate in candidates:
        try:
            value = evaluator.value(candidate, scope)
        except Unknown:
            continue
        if isinstance(value, (tuple, list)) and value and all(isinstance(item, int) for item in value):
            return list(value)
    return None


def shapes_by_class(tree: ast.Module, facts, class_names: set[str]) -> dict[str, tuple[list[int], int]]:
    """class name -> (input shape, line) where the file calls the class on a `keras.Input`
    directly (`x = keras.Input(shape=(8,))` then `Block(4)(x)`, or `Block(4)(keras.Input((8,)))`),
    or builds an instance (`block = Block(4)` then `block.build((None, 8))`). A file with two
    models (an encoder's and a decoder's `Input`) gives each class the shape it is really called
    on; a class called on some other tensor keeps the file's shape."""
    evaluator = Evaluator(tree)
    functions = enclosing_functions(tree)
    found: dict[str, tuple[list[int], int]] = {}

    def scope_of(node: ast.AST) -> dict:
        function = functions.get(id(node))
        return evaluator.function_scope(function) if function is not None else evaluator.module_names

    def bound(node: ast.expr, scope: dict) -> ast.expr:
        value = scope.get(node.id) if isinstance(node, ast.Name) else None
        return value if isinstance(value, ast.expr) else node

    def class_made(node: ast.expr, scope: dict) -> str | None:
        made = bound(node, scope)
        if isinstance(made, ast.Call) and isinstance(made.func, ast.Name) and made.func.id in class_names:
            return made.func.id
        return None

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        scope = scope_of(node)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "build":
            name = class_made(node.func.value, scope)
            try:
                value = evaluator.value(node.args[0], scope) if name else None
            except Unknown:
                value = None
            shape = list(value)[1:] if isinstance(value, (tuple, list)) else []  # build() takes the batch too
            if name and shape and all(isinstance(item, int) for item in shape):
                found.setdefault(name, (shape, node.lineno))
            continue
        name = class_made(node.func, scope)
        argument = bound(node.args[0], scope)
        if name and isinstance(argument, ast.Call):
            shape = _input_call_shape(argument, facts, evaluator, scope)
            if shape:
                found.setdefault(name, (shape, node.lineno))
    return found


def _input_shape(tree: ast.Module, facts) -> list[int] | None:
    evaluator = Evaluator(tree)
    functions = enclosing_functions(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        candidates = [item.value for item in node.keywords if item.arg in ("shape", "input_shape")]
        if api_named(facts.imports.keras_name(node.func), "Input") and node.args:
            candidates.insert(0, node.args[0])
        if isinstance(node.func, ast.Attribute) and node.func.attr == "build" and node.args:
            candidates.append(node.args[0])
        function = functions.get(id(node))
        scope = evaluator.function_scope(function) if function is not None else {}
        for candidate in candidates:
            try:
                value = evaluator.value(candidate, scope)
            except Unknown:
                continue
            is_build = isinstance(node.func, ast.Attribute) and node.func.attr == "build"
            if is_build and isinstance(value, (tuple, list)):
                value = list(value)[1:]  # build() takes the batch dimension too
            if isinstance(value, (tuple, list)) and value and all(isinstance(item, int) for item in value):
                return list(value)
    return None


def input_structure(class_node: ast.ClassDef) -> dict:
    """What `call()` shows of its first argument: `a, b = inputs` or `inputs[1]`
    (a list of that many tensors), `inputs["image"]` (a dict with those keys)."""
    call = next(
        (item for item in class_node.body if isinstance(item, ast.FunctionDef) and item.name == "call"), None
    )
    if call is None or len(call.args.args) < 2:
        return {}
    inputs = call.args.args[1].arg
    size, keys = 0, []
    for node in ast.walk(call):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == inputs:
            for target in node.targets:
                if isinstance(target, (ast.Tuple, ast.List)) and not any(
                    isinstance(item, ast.Starred) for item in target.elts
                ):
                    size = max(size, len(target.elts))
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == inputs:
            index = node.slice
            if isinstance(index, ast.Constant) and type(index.value) is int and 0 <= index.value < 16:
                size = max(size, index.value + 1)
            elif isinstance(index, ast.Constant) and isinstance(index.value, str) and index.value not in keys:
                keys.append(index.value)
    if keys and not size:
        return {"dict": keys}
    if size >= 2 and not keys:
        return {"list": size}
    return {}


def class_table(settings: dict, module: str, name: str) -> dict:
    """The settings of one class: `module.Class` (quoted or as nested tables)
    first, so two classes of one name in two files can differ; then `Class`."""
    for table in (settings.get(f"{module}.{name}"), settings.get(module, {}).get(name)):
        if isinstance(table, dict):
            return table
    table = settings.get(name, {})
    return table if isinstance(table, dict) else {}


def _pyproject_settings(path: Path) -> dict:
    """[tool.keras-serial.verify.<Class>] tables: args, kwargs, input_shape."""
    if tomllib is None:
        return {}
    pyproject = find_project_root(path) / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    table = data.get("tool", {}).get("keras-serial", {}).get("verify", {})
    return {name: value for name, value in table.items() if isinstance(value, dict)}
