"""Layers rebuilt by their owners: whose own config Keras never reads.

A saved file records the config of the object saved and of the layers of a
Functional or Sequential model, each under its class's registered name. A layer
that a custom class builds in its constructor (`self.block = Block(4)`) is not
recorded: loading calls the owner's from_config, whose constructor builds the
layer again (measured: Keras 3.15 and tf_keras 2.21, `.keras`, subclassed and
functional-style owners, the inner layer unregistered, without get_config and
without **kwargs). Its config and registration then do not matter, unless the
owner's get_config serializes it, or the project also builds it elsewhere (a
layer of a Functional model, an object saved by itself).

Where a name is built is read from the file's own tree, and from the project
index for the other modules.
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass, field

from .keras_names import dotted_name
from .module_facts import ModuleFacts

FunctionNode = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass
class Builders:
    """Where the project builds one class."""

    outside: bool = False  # somewhere not inside a custom Keras class
    owners: list[str] = field(default_factory=list)  # the custom classes that build it
    serialized: bool = False  # one of those owners' get_config may serialize it

    def add(self, other: "Builders") -> None:
        self.outside |= other.outside
        self.owners += other.owners
        self.serialized |= other.serialized

    @property
    def rebuilt_by(self) -> str | None:
        """The first owner, when only owners build it and none serializes it."""
        if self.outside or self.serialized or not self.owners:
            return None
        return self.owners[0]


def built_name(call: ast.Call) -> str | None:
    """`Block` for `Block(4)`, `mod.Block` for `mod.Block(4)`: a call that builds an object
    (by the class-name convention: a capital first letter)."""
    name = dotted_name(call.func)
    return name if name and name.rsplit(".", 1)[-1][:1].isupper() else None


def names_built_in(node: ast.AST) -> set[str]:
    return {name for call in ast.walk(node) if isinstance(call, ast.Call) and (name := built_name(call))}


def built_outside_classes(facts: ModuleFacts, classes: list[ast.ClassDef] | None = None) -> set[str]:
    """The names the file builds outside the bodies of `classes` (default: its custom Keras classes)."""
    nodes = classes if classes is not None else [keras_class.node for keras_class in facts.classes]
    spans: list[list[int]] = []  # the classes' line spans, nested ones merged into their outer class
    for start, end in sorted((node.lineno, node.end_lineno or node.lineno) for node in nodes):
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    starts = [start for start, _ in spans]
    outside = set()
    for call in facts.calls:
        name = built_name(call)
        if name is not None:
            position = bisect.bisect_right(starts, call.lineno) - 1
            if position < 0 or call.lineno > spans[position][1]:
                outside.add(name)
    return outside


def local_builders(facts: ModuleFacts, name: str, outside: set[str]) -> Builders:
    """Where this file builds its class `name`; `outside` is built_outside_classes(facts)."""
    builders = Builders(outside=name in outside)
    for owner in facts.classes:
        if owner.name != name and name in names_built_in(owner.node):
            builders.owners.append(owner.name)
            builders.serialized |= may_serialize(owner.node, name)
    return builders


def may_serialize(owner: ast.ClassDef, built: str) -> bool:
    """Whether the owner's get_config may serialize what it builds with `built(...)`: a
    serialize call (`serialize_keras_object`, `layers.serialize`...) given an attribute that
    holds such an object, or anything it cannot tell apart (`initializers.serialize(
    self.kernel_initializer)` is told apart: that attribute holds no `built(...)`)."""
    get_config = next(
        (item for item in owner.body if isinstance(item, FunctionNode) and item.name == "get_config"), None
    )
    serialize_calls = [
        call
        for call in (ast.walk(get_config) if get_config is not None else ())
        if isinstance(call, ast.Call)
        and (callee := dotted_name(call.func)) is not None
        and callee.rsplit(".", 1)[-1].startswith("serialize")
    ]
    if not serialize_calls:
        return False
    holders = _attributes_holding(owner, built)
    for call in serialize_calls:
        for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
            if isinstance(argument, ast.Constant):
                continue
            if not (isinstance(argument, ast.Attribute) and isinstance(argument.value, ast.Name)):
                return True  # a local name, a call...: cannot tell
            if argument.attr in holders:
                return True
    return False


def _attributes_holding(owner: ast.ClassDef, built: str) -> set[str]:
    """`x` for `self.x = ...built(...)...` and `self.x.append(built(...))` in the owner."""

    def builds(node: ast.AST) -> bool:
        return built in names_built_in(node)

    holders = set()
    for node in ast.walk(owner):
        if isinstance(node, ast.Assign) and builds(node.value):
            holders.update(target.attr for target in node.targets if isinstance(target, ast.Attribute))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("append", "extend", "insert")
            and isinstance(node.func.value, ast.Attribute)
            and builds(node)
        ):
            holders.add(node.func.value.attr)
    return holders
