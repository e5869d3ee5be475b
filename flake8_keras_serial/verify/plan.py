"""What to build for each custom class, read from the source (no TensorFlow).

A class is tested when its constructor arguments and an input shape can be
taken from the file: literal arguments at a call site (`Proj(16)`), defaults
for every parameter, or a `[tool.keras-serial.verify.<Class>]` table in
pyproject.toml; the input shape from `keras.Input(shape=...)`,
`input_shape=...`, `build((None, 16))` or that table.
"""

from __future__ import annotations

import ast
import sys
import tokenize
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..class_source import ClassSource, Signature
from ..keras_names import api_named, split_keras_name
from ..module_facts import collect_module_facts
from ..project_index import ProjectContext, find_project_root
from ..rules.base import ModuleContext

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

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Untested:
    file: str
    class_name: str
    line: int
    reason: str


def plan_file(path: Path, project_major: int, first_id: int = 0) -> tuple[list[Case], list[Untested]]:
    with tokenize.open(path) as handle:
        source = handle.read()
    tree = ast.parse(source)
    facts = collect_module_facts(tree, project_major)
    # Layers that their owners build again on load are tested through the owners.
    module = ModuleContext(facts, [], source.splitlines(True), ProjectContext.for_file(str(path), project_major))
    settings = _pyproject_settings(path)
    shape_in_file = _input_shape(tree, facts)
    formats = ["keras", "h5"] if ".h5" in source else ["keras"]
    cases: list[Case] = []
    untested: list[Untested] = []
    for keras_class in facts.classes:
        if keras_class.kind not in ("layer", "model"):
            continue
        line = keras_class.node.lineno
        source_view = ClassSource(keras_class, facts)
        if module.abstract_base(source_view):
            untested.append(Untested(str(path), keras_class.name, line, "a base class: only its subclasses are built"))
            continue
        owner = module.rebuilt_by(source_view)
        if owner is not None:
            reason = f"built by {owner}'s constructor, which builds it again on load: tested through it"
            untested.append(Untested(str(path), keras_class.name, line, reason))
            continue
        class_settings = settings.get(keras_class.name, {})
        found = _arguments(keras_class.name, tree, facts, source_view.init_signature, class_settings)
        if isinstance(found, str):
            untested.append(Untested(str(path), keras_class.name, line, found))
            continue
        args, kwargs, how = found
        shape = settings.get(keras_class.name, {}).get("input_shape") or shape_in_file
        shape_how = "input shape from the file" if shape else f"input shape {tuple(DEFAULT_INPUT_SHAPE)} assumed"
        cases.append(
            Case(
                case_id=f"c{first_id + len(cases)}",
                file=str(path.resolve()),
                module=path.stem,
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
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            args = [value_spec(argument, facts) for argument in node.args]
            kwargs = {item.arg: value_spec(item.value, facts) for item in node.keywords}
            if None in args or None in kwargs or None in kwargs.values():
                continue
            return args, kwargs, f"arguments from the call on line {node.lineno}"
    if signature is None or all(not param.required for param in signature.parameters):
        return [], {}, "default arguments"
    missing = ", ".join(param.name for param in signature.parameters if param.required)
    return (
        f"no call in the file gives '{missing}' a value the verifier can rebuild; "
        f"set it in [tool.keras-serial.verify.{name}] in pyproject.toml"
    )


def value_spec(node: ast.expr, facts) -> dict | None:
    """How the worker rebuilds an argument: a literal, a Keras layer made from
    literals, a function of the module, a library function, or a numpy array."""
    try:
        return {"value": ast.literal_eval(node)}
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        pass
    if isinstance(node, ast.Name) and node.id in facts.functions:
        return {"function": node.id}
    qualified = facts.imports.qualify(node.func if isinstance(node, ast.Call) else node)
    keras_name = split_keras_name(qualified)
    if isinstance(node, ast.Call):
        try:
            args = [ast.literal_eval(argument) for argument in node.args]
            kwargs = {item.arg: ast.literal_eval(item.value) for item in node.keywords}
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
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


def _input_shape(tree: ast.Module, facts) -> list[int] | None:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        candidates = [item.value for item in node.keywords if item.arg in ("shape", "input_shape")]
        if api_named(facts.imports.keras_name(node.func), "Input") and node.args:
            candidates.insert(0, node.args[0])
        if isinstance(node.func, ast.Attribute) and node.func.attr == "build" and node.args:
            candidates.append(node.args[0])
        for candidate in candidates:
            try:
                value = ast.literal_eval(candidate)
            except (ValueError, TypeError, SyntaxError, RecursionError):
                continue
            is_build = isinstance(node.func, ast.Attribute) and node.func.attr == "build"
            if is_build and isinstance(value, (tuple, list)):
                value = list(value)[1:]  # build() takes the batch dimension too
            if isinstance(value, (tuple, list)) and value and all(isinstance(item, int) for item in value):
                return list(value)
    return None


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
