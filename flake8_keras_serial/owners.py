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
index for the other modules. A metric, loss or other object that isn't a layer
is rebuilt the same way when only its file's custom layers build it, each into
an attribute (rules/base.py, `_attribute_owner`).
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass, field

from .class_source import FunctionNode
from .keras_names import dotted_name
from .module_facts import ModuleFacts


@dataclass
class Builders:
    """Where the project builds one class."""

    outside: bool = False  # somewhere not inside a custom Keras class
    owners: list[str] = field(default_factory=list)  # the custom classes that build it
    serialized: bool = False  # one of those owners' get_config may serialize it
    # One of those owners is not functional-style: it may rebuild the layer through build()
    # rather than by calling it on symbolic inputs in its constructor.
    subclassed_owner: bool = False

    def add(self, other: "Builders") -> None:
        self.outside |= other.outside
        self.owners += other.owners
        self.serialized |= other.serialized
        self.subclassed_owner |= other.subclassed_owner

    @property
    def rebuilt_by(self) -> str | None:
        """The first owner, when only owners build it and none serializes it."""
        if self.outside or self.serialized or not self.owners:
            return None
        return self.owners[0]

    @property
    def called_by_functional_owners(self) -> bool:
        """Only functional-style owners build it (`super().__init__(inputs, outputs)`), and none
        serializes it: on load each owner's constructor calls it on symbolic inputs, so Keras
        runs its build() and then its call(), which builds whatever build() left unbuilt."""
        return self.rebuilt_by is not None and not self.subclassed_owner


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


def local_builders(
    facts: ModuleFacts, name: str, outside: set[str], built_in: dict[ast.ClassDef, set[str]]
) -> Builders:
    """Where this file builds its class `name`; `outside` is built_outside_classes(facts),
    `built_in` each Keras class's node -> names_built_in(node), read once per file."""
    builders = Builders(outside=name in outside)
    for owner in facts.classes:
        if owner.name != name and name in built_in[owner.node]:
            builders.owners.append(owner.name)
            builders.serialized |= name in serialized_builds(owner.node)
            builders.subclassed_owner |= not is_functional_style(owner.node)
    return builders


def is_functional_style(node: ast.ClassDef) -> bool:
    """Its __init__ ends in `super().__init__(inputs, outputs)` / `super().__init__(inputs=...,
    outputs=...)`: a graph model, which Keras rebuilds from its constructor, not through build()."""
    init = next((item for item in node.body if isinstance(item, FunctionNode) and item.name == "__init__"), None)
    return init is not None and calls_functional_init(init)


def calls_functional_init(init: FunctionNode) -> bool:
    for call in ast.walk(init):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call):
            if call.args or any(keyword.arg in ("inputs", "outputs") for keyword in call.keywords):
                return True
    return False


def built_only_into_attributes(owner: ast.ClassDef, name: str) -> bool:
    """Whether every `name(...)` in the owner's code is the whole value assigned to an attribute
    (`self.tracker = Tracker(...)`), not returned, passed on or put in a list."""
    assigned = {
        id(node.value)
        for node in ast.walk(owner)
        if isinstance(node, ast.Assign) and all(isinstance(target, ast.Attribute) for target in node.targets)
    }
    builds = [node for node in ast.walk(owner) if isinstance(node, ast.Call) and built_name(node) == name]
    return bool(builds) and all(id(call) in assigned for call in builds)


def serialized_builds(owner: ast.ClassDef) -> set[str]:
    """The names (`Block`) whose objects the owner's get_config may serialize: those built into
    an attribute that get_config hands to a serialize call (`serialize_keras_object`,
    `layers.serialize`...), or every name the owner builds when a serialize call gets anything
    else (a local name, a call: cannot tell). `initializers.serialize(self.kernel_initializer)`
    names no built object."""
    get_config = next(
        (item for item in owner.body if isinstance(item, FunctionNode) and item.name == "get_config"), None
    )
    attributes: set[str] = set()
    unknown = False
    for call in ast.walk(get_config) if get_config is not None else ():
        if not isinstance(call, ast.Call):
            continue
        callee = dotted_name(call.func)
        if callee is None or not callee.rsplit(".", 1)[-1].startswith("serialize"):
            continue
        for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
            if isinstance(argument, ast.Attribute) and isinstance(argument.value, ast.Name):
                attributes.add(argument.attr)
            elif not isinstance(argument, ast.Constant):
                unknown = True
    if unknown:
        return names_built_in(owner)
    if not attributes:  # the usual case: nothing more to read
        return set()
    built_into = _built_into_attributes(owner)
    return set().union(*(built_into.get(attribute, set()) for attribute in attributes))


def _built_into_attributes(owner: ast.ClassDef) -> dict[str, set[str]]:
    """attribute -> the names built into it: `self.x = ...Block(...)...` and `self.x.append(Block(...))`."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(owner):
        if isinstance(node, ast.Assign):
            built = names_built_in(node.value)
            if built:
                for target in node.targets:
                    if isinstance(target, ast.Attribute):
                        found.setdefault(target.attr, set()).update(built)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("append", "extend", "insert")
            and isinstance(node.func.value, ast.Attribute)
        ):
            found.setdefault(node.func.value.attr, set()).update(names_built_in(node))
    return found
