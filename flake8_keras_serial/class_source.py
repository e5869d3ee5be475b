"""A Keras class, parsed with libcst from its own lines only.

libcst costs ~15x `ast` per line, so the plugin never gives it a whole file:
each Keras class found in the `ast` tree is cut out of the source (with its
decorators) and parsed alone. An indented class (inside a function or an
`if`) is parsed under a dummy `if True:` so that its indentation stays as it
is and every column libcst reports is the column in the real file.

The rules and, later, the codemods work on these libcst nodes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Iterator

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .module_facts import ARRAY, CALLABLE, CALLED, LAYER, OBJECT, KerasClass, ModuleFacts, classify_dotted_value


class ClassParseError(Exception):
    """libcst could not parse the class (it accepts a little less than `ast`)."""


def cst_dotted(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node below `node` (itself included), without recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def calls_in(node: cst.CSTNode) -> Iterator[cst.Call]:
    return (child for child in walk(node) if isinstance(child, cst.Call))


def self_attribute(node: cst.CSTNode, self_name: str) -> str | None:
    """`x` for `self.x`, else None."""
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == self_name:
        return node.attr.value
    return None


@dataclass
class Parameter:
    name: str
    position: int | None  # index among positional parameters after self, None if keyword-only
    default: cst.BaseExpression | None
    annotation: cst.BaseExpression | None
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
    def of(cls, function: cst.FunctionDef) -> "Signature":
        params = function.params
        positional = [*params.posonly_params, *params.params]
        if positional and _is_self(positional[0], function):
            positional = positional[1:]
        posonly = {id(param) for param in params.posonly_params}
        parameters = [
            Parameter(param.name.value, index, param.default, _annotation(param), id(param) in posonly)
            for index, param in enumerate(positional)
        ]
        parameters += [
            Parameter(param.name.value, None, param.default, _annotation(param)) for param in params.kwonly_params
        ]
        star = params.star_arg
        var_positional = star.name.value if isinstance(star, cst.Param) else None
        var_keyword = params.star_kwarg.name.value if params.star_kwarg else None
        return cls(parameters, var_positional, var_keyword)

    def by_name(self, name: str) -> Parameter | None:
        return next((param for param in self.parameters if param.name == name), None)


def _is_self(param: cst.Param, function: cst.FunctionDef) -> bool:
    decorators = {cst_dotted(decorator.decorator) for decorator in function.decorators}
    return "staticmethod" not in decorators


def _annotation(param: cst.Param) -> cst.BaseExpression | None:
    return param.annotation.annotation if param.annotation else None


@dataclass
class ClassSource:
    """One Keras class: the `ast` facts plus its libcst tree and positions."""

    keras_class: KerasClass
    facts: ModuleFacts
    node: cst.ClassDef
    _positions: dict
    _line_offset: int
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)
    parent: "ClassSource | None" = None  # the in-file parent class, parsed too

    @property
    def major(self) -> int:
        """The Keras major version this class runs under (2 or 3)."""
        return self.facts.target.major_for(self.keras_class.library)

    def lineage(self) -> Iterator["ClassSource"]:
        """This class, then its in-file parents."""
        source: ClassSource | None = self
        while source is not None:
            yield source
            source = source.parent

    def find_method(self, name: str) -> tuple[cst.FunctionDef, "ClassSource"] | tuple[None, None]:
        """The method `name` as Python finds it among the classes of this file."""
        for source in self.lineage():
            if name in source.methods:
                return source.methods[name], source
        return None, None

    @property
    def name(self) -> str:
        return self.keras_class.name

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        """(1-based line, 0-based column) of `node` in the real file."""
        start = self._positions[node].start
        return start.line + self._line_offset, start.column

    def class_position(self) -> tuple[int, int]:
        return self.keras_class.node.lineno, self.keras_class.node.col_offset

    def method_self(self, function: cst.FunctionDef) -> str:
        params = [*function.params.posonly_params, *function.params.params]
        return params[0].name.value if params else "self"

    def init_signature(self) -> Signature | None:
        init, _ = self.find_method("__init__")
        return Signature.of(init) if init is not None else None

    def statements(self, function: cst.FunctionDef) -> Iterator[cst.BaseSmallStatement]:
        """Every small statement in a method, nested blocks included."""
        for node in walk(function.body):
            if isinstance(node, cst.SimpleStatementLine | cst.SimpleStatementSuite):
                yield from node.body

    def argument_kind(self, parameter: Parameter) -> str | None:
        """What a constructor argument holds, if the source shows it is not
        a plain value: LAYER, CALLABLE, ARRAY or OBJECT (see module_facts)."""
        evidence = self.keras_class.argument_evidence
        found = evidence.get(parameter.name)
        if found is None and parameter.position is not None:
            found = evidence.get(parameter.position)
        if found is None and parameter.default is not None:
            found = classify_dotted_value(self.facts, *_cst_value_shape(parameter.default))
        if found is None and parameter.annotation is not None:
            found = _annotation_kind(parameter.annotation)
        if found is None:
            found = self._usage_kind(parameter.name)
        return found

    def _usage_kind(self, parameter_name: str) -> str | None:
        """`fn(x)` in __init__, or `self.fn = fn` and later `self.fn(x)`."""
        init, owner = self.find_method("__init__")
        if init is None:
            return None
        self_name = self.method_self(init)
        stored_as: set[str] = set()
        for statement in self.statements(init):
            if isinstance(statement, cst.Assign) and isinstance(statement.value, cst.Name):
                if statement.value.value == parameter_name:
                    for target in statement.targets:
                        if (attribute := self_attribute(target.target, self_name)) is not None:
                            stored_as.add(attribute)
        for call in calls_in(init.body):
            if isinstance(call.func, cst.Name) and call.func.value == parameter_name:
                return CALLED
        if not stored_as:
            return None
        for method in owner.methods.values():
            method_self = self.method_self(method)
            for call in calls_in(method.body):
                if self_attribute(call.func, method_self) in stored_as:
                    return CALLED
        return None

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
            for call in calls_in(init.body)
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == "__init__"
            for argument in call.args
            if argument.star == "*" and isinstance(argument.value, cst.Name) and argument.value.value == name
        )
        used = sum(1 for node in walk(init.body) if isinstance(node, cst.Name) and node.value == name)
        named_positional = sum(1 for param in signature.parameters if param.position is not None)
        return used > forwarded or self.keras_class.most_positional_arguments > named_positional


def _cst_value_shape(node: cst.BaseExpression) -> tuple[str, str | None]:
    if isinstance(node, cst.Lambda):
        return "lambda", None
    if isinstance(node, cst.Call):
        return "call", cst_dotted(node.func)
    if isinstance(node, cst.Name | cst.Attribute):
        return "reference", cst_dotted(node)
    return "other", None


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


def _annotation_kind(annotation: cst.BaseExpression) -> str | None:
    """`Layer`, `Optional[Callable]`, `np.ndarray`: a non-plain argument.

    An annotation that also admits a plain value (`Union[str, Callable]`)
    is no evidence: the caller may well pass the string.
    """
    names = set()
    for node in walk(annotation):
        if isinstance(node, cst.Name):
            names.add(node.value)
        elif isinstance(node, cst.SimpleString):  # "keras.layers.Layer" forward references
            names.update(part.strip("'\"[], ") for part in node.value.replace("[", ".").split("."))
    if names & _PLAIN_ANNOTATIONS:
        return None
    for name in sorted(names):
        if name in _ANNOTATION_KINDS:
            return _ANNOTATION_KINDS[name]
    return None


def parse_class(lines: list[str], keras_class: KerasClass, facts: ModuleFacts) -> ClassSource:
    node = keras_class.node
    first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
    snippet = lines[first - 1 : node.end_lineno]
    if not snippet:
        raise ClassParseError("its lines are not in the source")
    code = "".join(snippet)
    if not code.endswith("\n"):
        code += "\n"
    line_offset = first - 1
    if snippet[0][:1] in (" ", "\t"):
        code = "if True:\n" + code
        line_offset -= 1
    try:
        module = cst.parse_module(code)
    except (cst.ParserSyntaxError, RecursionError, ValueError) as error:
        raise ClassParseError(str(error).splitlines()[0] if str(error) else type(error).__name__) from error
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    class_node = next(child for child in walk(module) if isinstance(child, cst.ClassDef))
    source = ClassSource(keras_class, facts, class_node, positions, line_offset)
    if isinstance(class_node.body, cst.IndentedBlock):
        for statement in class_node.body.body:
            if isinstance(statement, cst.FunctionDef):
                source.methods[statement.name.value] = statement
    return source
