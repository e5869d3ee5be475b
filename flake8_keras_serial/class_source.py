"""A Keras class as the rules see it: its methods, constructor signature and
what its constructor arguments hold.

The rules read the `ast` tree flake8 has already built. libcst is kept for
the fixes, which must rewrite code without losing its formatting: parsing
with libcst costs ~50 ms per 1000 lines here, more than half of flake8's own
run, while `ast` is free (see bench/).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

from .keras_names import dotted_name
from .module_facts import ARRAY, CALLABLE, CALLED, LAYER, OBJECT, KerasClass, ModuleFacts

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def self_attribute(node: ast.AST, self_name: str) -> str | None:
    """`x` for `self.x`, else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self_name:
        return node.attr
    return None


def calls_in(node: ast.AST) -> Iterator[ast.Call]:
    return (child for child in ast.walk(node) if isinstance(child, ast.Call))


def names_in(node: ast.AST) -> Iterator[str]:
    return (child.id for child in ast.walk(node) if isinstance(child, ast.Name))


@dataclass
class Parameter:
    name: str
    position: int | None  # index among positional parameters after self, None if keyword-only
    default: ast.expr | None
    annotation: ast.expr | None
    positional_only: bool = False

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass
class Signature:
    """The constructor parameters a config must carry (`self` excluded)."""

    parameters: list[Parameter]
    var_positional: str | None  # name of *args
    var_keyword: str | None  # name of **kwargs

    @classmethod
    def of(cls, function: FunctionNode) -> "Signature":
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        missing = len(positional) - len(arguments.defaults)
        defaults: list[ast.expr | None] = [None] * missing + list(arguments.defaults)
        posonly_count = len(arguments.posonlyargs)
        start = 1 if positional and not _is_static(function) else 0
        parameters = [
            Parameter(arg.arg, index - start, defaults[index], arg.annotation, index < posonly_count)
            for index, arg in enumerate(positional)
            if index >= start
        ]
        parameters += [
            Parameter(arg.arg, None, default, arg.annotation)
            for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults)
        ]
        var_positional = arguments.vararg.arg if arguments.vararg else None
        var_keyword = arguments.kwarg.arg if arguments.kwarg else None
        return cls(parameters, var_positional, var_keyword)

    def by_name(self, name: str) -> Parameter | None:
        return next((param for param in self.parameters if param.name == name), None)


def _is_static(function: FunctionNode) -> bool:
    return any(dotted_name(decorator) == "staticmethod" for decorator in function.decorator_list)


def method_self(function: FunctionNode) -> str:
    arguments = [*function.args.posonlyargs, *function.args.args]
    return arguments[0].arg if arguments else "self"


@dataclass
class ClassSource:
    """One Keras class of the file: the module facts plus its methods."""

    keras_class: KerasClass
    facts: ModuleFacts
    parent: "ClassSource | None" = None  # the in-file parent class
    methods: dict[str, FunctionNode] = field(default_factory=dict)
    _statements_by_method: dict = field(default_factory=dict)  # per-method caches

    def __post_init__(self) -> None:
        for statement in self.keras_class.node.body:
            if isinstance(statement, FunctionNode):
                self.methods[statement.name] = statement

    @property
    def node(self) -> ast.ClassDef:
        return self.keras_class.node

    @property
    def name(self) -> str:
        return self.keras_class.name

    @property
    def major(self) -> int:
        """The Keras major version this class runs under (2 or 3)."""
        return self.facts.target.major_for(self.keras_class.library)

    def class_position(self) -> tuple[int, int]:
        return self.node.lineno, self.node.col_offset

    def lineage(self) -> Iterator["ClassSource"]:
        """This class, then its in-file parents."""
        source: ClassSource | None = self
        while source is not None:
            yield source
            source = source.parent

    def find_method(self, name: str) -> tuple[FunctionNode, "ClassSource"] | tuple[None, None]:
        """The method `name` as Python finds it among the classes of this file."""
        for source in self.lineage():
            if name in source.methods:
                return source.methods[name], source
        return None, None

    def has_method(self, name: str) -> bool:
        """Defined by the class, an in-file parent, or a project base of another module."""
        return self.find_method(name)[0] is not None or self.inherits(name)

    def inherits(self, method: str) -> bool:
        """Whether a project class of another module along the bases defines `method`: it
        exists, but its code is not read here (so what it returns is not known)."""
        return any(method in source.keras_class.inherited_methods for source in self.lineage())

    @cached_property
    def init_signature(self) -> Signature | None:
        init, _ = self.find_method("__init__")
        return Signature.of(init) if init is not None else None

    def config_summary(self, get_config: FunctionNode):
        """What `get_config` returns (see config_method), read once per class."""
        from .config_method import summarize_get_config  # config_method builds on this module

        key = ("config", id(get_config))
        if key not in self._statements_by_method:
            self._statements_by_method[key] = summarize_get_config(get_config)
        return self._statements_by_method[key]

    def statements(self, function: FunctionNode) -> list[ast.stmt]:
        """Every simple statement in a method, nested blocks included, in source order."""
        key = id(function)
        if key not in self._statements_by_method:
            self._statements_by_method[key] = _statements(function)
        return self._statements_by_method[key]

    def argument_kind(self, parameter: Parameter) -> str | None:
        """What a constructor argument holds, if the source shows it is not
        a plain value: LAYER, CALLABLE, CALLED, ARRAY or OBJECT."""
        evidence = self.keras_class.argument_evidence
        found = evidence.get(parameter.name)
        if found is None and parameter.position is not None:
            found = evidence.get(parameter.position)
        if found is None and parameter.default is not None:
            found = self.facts.classify_value(parameter.default)
        if found is None and parameter.annotation is not None:
            found = _annotation_kind(parameter.annotation)
        if found is None and parameter.name in self._called_parameters:
            found = CALLED
        return found

    @cached_property
    def _called_parameters(self) -> set[str]:
        """Parameters called in __init__ (`fn(x)`), or stored raw (`self.fn = fn`)
        and called through the attribute (`self.fn(x)`)."""
        init, owner = self.find_method("__init__")
        if init is None:
            return set()
        self_name = method_self(init)
        called = {call.func.id for call in calls_in(init) if isinstance(call.func, ast.Name)}
        stored_as: dict[str, str] = {}  # attribute -> a parameter __init__ binds it to
        holds_now: dict[str, str | None] = {}  # attribute -> the parameter it holds at this point of __init__
        for statement in self.statements(init):
            # In __init__ a call of `self.dropout(x)` is a call of what the attribute holds then:
            # `self.dropout = Dropout(rate=dropout)`, called, then `self.dropout = dropout` calls
            # the layer, and the argument is its plain setting (keras-hub's classifiers).
            for call in calls_in(statement):
                if (parameter := holds_now.get(self_attribute(call.func, self_name))) is not None:
                    called.add(parameter)
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if (attribute := self_attribute(target, self_name)) is not None:
                        value = statement.value
                        holds_now[attribute] = value.id if isinstance(value, ast.Name) else None
                        if isinstance(value, ast.Name):
                            stored_as[attribute] = value.id
        # Other methods run after __init__: any parameter it stored in the attribute may be called.
        for method in owner.methods.values():
            if method is init:
                continue
            for call in calls_in(method):
                attribute = self_attribute(call.func, method_self(method))
                if attribute in stored_as:
                    called.add(stored_as[attribute])
        return called

    def passes_varargs(self, signature: Signature) -> bool:
        """Whether `*args` can carry values: used in __init__ other than passed
        on to super().__init__ (keyword-only in Keras), or given extra
        positional arguments at a call in this file."""
        init, _ = self.find_method("__init__")
        name = signature.var_positional
        if init is None or name is None:
            return False
        forwarded = sum(
            1
            for call in calls_in(init)
            if isinstance(call.func, ast.Attribute) and call.func.attr == "__init__"
            for argument in call.args
            if isinstance(argument, ast.Starred) and isinstance(argument.value, ast.Name) and argument.value.id == name
        )
        used = sum(1 for found in names_in(init) if found == name)
        named_positional = sum(1 for param in signature.parameters if param.position is not None)
        return used > forwarded or self.keras_class.most_positional_arguments > named_positional


def _statements(function: FunctionNode) -> list[ast.stmt]:
    found = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.stmt) and not isinstance(node, _COMPOUND) and node is not function
    ]
    found.sort(key=lambda node: (node.lineno, node.col_offset))
    return found


_COMPOUND = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While,
    ast.With, ast.AsyncWith, ast.Try, ast.Match,
) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())


_ANNOTATION_KINDS = {
    "Layer": LAYER,
    "Model": LAYER,
    "Sequential": LAYER,
    "Callable": CALLABLE,
    "ndarray": ARRAY,
    "NDArray": ARRAY,
    "ArrayLike": ARRAY,
    "Tensor": ARRAY,
    "Variable": ARRAY,
    "Initializer": OBJECT,
    "Regularizer": OBJECT,
    "Constraint": OBJECT,
}
_PLAIN_ANNOTATIONS = {"str", "int", "float", "bool", "dict", "Mapping"}


def _annotation_kind(annotation: ast.expr) -> str | None:
    """`Layer`, `Optional[Callable]`, `np.ndarray`: a non-plain argument.

    An annotation that also admits a plain value (`Union[str, Callable]`)
    is no evidence: the caller may well pass the string.
    """
    names = set()
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):  # "keras.layers.Layer"
            names.update(part.strip("'\"[], ") for part in node.value.replace("[", ".").split("."))
    if names & _PLAIN_ANNOTATIONS:
        return None
    for name in sorted(names):
        if name in _ANNOTATION_KINDS:
            return _ANNOTATION_KINDS[name]
    return None
