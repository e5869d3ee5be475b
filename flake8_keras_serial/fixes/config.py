"""Fixes for KS101-KS104: write or complete get_config(), accept **kwargs."""

from __future__ import annotations

import re

import libcst as cst

from ..rules.base import BASE_CONFIG_KEYS, Finding
from .context import (
    FixContext,
    class_library,
    class_method,
    dotted,
    init_parameters,
    keras_module_spelling,
    self_attribute_of,
)

_OMITTED = re.compile(r"omits constructor parameter '(?P<name>\w+)'")


def _super_init_calls(function: cst.FunctionDef) -> list[cst.Call]:
    found = []
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "__init__"
            and isinstance(node.func.value, cst.Call)
            and isinstance(node.func.value.func, cst.Name)
            and node.func.value.func.value == "super"
        ):
            found.append(node)
        stack.extend(node.children)
    return found


class AcceptKwargs:
    """KS104: add **kwargs to __init__ and pass it to super().__init__(...)."""

    def plan(self, context: FixContext, finding: Finding) -> str | None:
        init = context.node_at(finding.line, finding.col, cst.FunctionDef)
        if init is None or init.params.star_kwarg is not None:
            return "could not find the __init__ to change"
        _accept_kwargs(context, init)
        return None


def _accept_kwargs(context: FixContext, init: cst.FunctionDef) -> None:
    """Plan `**kwargs` on `init` and on its `super().__init__(...)` calls (once per __init__)."""
    if init.params.star_kwarg is not None or context.state.get(("kwargs", id(init))):
        return
    context.state[("kwargs", id(init))] = True
    context.edit(
        init.params,
        lambda params: params.with_changes(star_kwarg=cst.Param(cst.Name("kwargs"), star="**")),
    )
    for call in _super_init_calls(init):
        if not any(argument.star == "**" for argument in call.args):
            context.edit(call, _append_kwargs)


def _append_kwargs(call: cst.Call) -> cst.Call:
    args = list(call.args)
    if args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, cst.Arg(cst.Name("kwargs"), star="**")])


def _config_entries(context: FixContext, class_node: cst.ClassDef, names: list[str]) -> list[str] | str:
    """`"units": self.units` for each parameter, or why not."""
    init = class_method(class_node, "__init__")
    if init is None:
        return "the class has no __init__ of its own to read the parameters from"
    entries = []
    for name in names:
        attribute = self_attribute_of(init, name)
        if attribute is None:
            return f"'{name}' is not stored under an obvious attribute (self.{name} = {name}); not guessing"
        entries.append(f'"{name}": self.{attribute}')
    return entries


class WriteGetConfig:
    """KS101 (plain arguments only): add a get_config() returning every constructor argument."""

    def plan(self, context: FixContext, finding: Finding) -> str | None:
        if "is a layer" in finding.message or "is a function" in finding.message or "is an array" in finding.message:
            return "a layer, function or array argument needs serialize/deserialize code: no automatic fix"
        if "takes *" in finding.message or "positional-only" in finding.message:
            return "*args and positional-only parameters need a change of signature: no automatic fix"
        if " is a layer or function" in finding.message or "Keras object" in finding.message:
            return "an object argument needs serialize/deserialize code: no automatic fix"
        class_node = context.node_at(finding.line, finding.col, cst.ClassDef)
        if class_node is None or not isinstance(class_node.body, cst.IndentedBlock):
            return "could not find the class to change"
        init = class_method(class_node, "__init__")
        if init is None:
            return "the class has no __init__ of its own"
        entries = _config_entries(context, class_node, init_parameters(init))
        if isinstance(entries, str):
            return entries
        if finding.message.startswith("learning rate schedule"):
            # A schedule's base get_config raises: the config is the arguments alone.
            text = f"def get_config(self):\n    return {{{', '.join(entries)}}}\n"
        else:
            text = (
                "def get_config(self):\n"
                "    config = super().get_config()\n"
                f"    config.update({{{', '.join(entries)}}})\n"
                "    return config\n"
            )
            # super().get_config() carries name/trainable/dtype: an __init__ that cannot take
            # them fails to load (KS104, which is silent while KS101 fires).
            if not set(BASE_CONFIG_KEYS) <= set(_parameter_names(init)):
                _accept_kwargs(context, init)
        method = cst.parse_statement(text, config=context.module.config_for_parsing)
        context.edit(class_node, lambda node: _insert_after(node, "__init__", method))
        return None


def _parameter_names(function: cst.FunctionDef) -> list[str]:
    params = function.params
    return [param.name.value for param in [*params.posonly_params, *params.params, *params.kwonly_params]]


def _insert_after(class_node: cst.ClassDef, after: str, method: cst.FunctionDef) -> cst.ClassDef:
    body = list(class_node.body.body)
    index = next(
        (i + 1 for i, item in enumerate(body) if isinstance(item, cst.FunctionDef) and item.name.value == after),
        len(body),
    )
    method = method.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
    return class_node.with_changes(body=class_node.body.with_changes(body=[*body[:index], method, *body[index:]]))


def _returns(function: cst.FunctionDef) -> list[cst.Return]:
    found = []
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Return) and node.value is not None:
            found.append(node)
        if not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            stack.extend(node.children)
    return found


class AddMissingKey:
    """KS102: add the omitted parameter to what get_config() returns."""

    def plan(self, context: FixContext, finding: Finding) -> str | None:
        match = _OMITTED.search(finding.message)
        get_config = context.node_at(finding.line, finding.col, cst.FunctionDef)
        class_node = context.enclosing(get_config, cst.ClassDef) if get_config is not None else None
        if match is None or class_node is None:
            return "could not find get_config() to change"
        entries = _config_entries(context, class_node, [match.group("name")])
        if isinstance(entries, str):
            return entries
        element = cst.parse_expression("{" + entries[0] + "}").elements[0]
        for node in _returns(get_config):
            context.edit(node, lambda ret, element=element: _add_element(ret, element, first=False))
        return None


class StartFromSuper:
    """KS103: build what get_config() returns on super().get_config()."""

    def plan(self, context: FixContext, finding: Finding) -> str | None:
        get_config = context.node_at(finding.line, finding.col, cst.FunctionDef)
        if get_config is None or not _returns(get_config):
            return "could not find what get_config() returns"
        element = cst.StarredDictElement(cst.parse_expression("super().get_config()"))
        for node in _returns(get_config):
            context.edit(node, lambda ret: _add_element(ret, element, first=True))
        return None


def _add_element(ret: cst.Return, element: cst.BaseDictElement, first: bool) -> cst.Return:
    value = ret.value
    if isinstance(value, cst.Dict):
        elements = list(value.elements)
        if first:
            element = element.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            return ret.with_changes(value=value.with_changes(elements=[element, *elements]))
        if elements:
            elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return ret.with_changes(value=value.with_changes(elements=[*elements, element]))
    spread = cst.StarredDictElement(value)
    parts = [element, spread] if first else [spread, element]
    return ret.with_changes(value=cst.Dict(parts))


_RAW = re.compile(
    r"returns '(?P<name>\w+)' \((?P<kind>a layer or function \(it is called\)|a layer|a function|an array|"
    r"a Keras object)\) as the object itself"
)
_SERIALIZED = re.compile(r"serializes '(?P<name>\w+)' but no from_config")
# kind -> (submodule, serializer, deserializer)
_HELPERS = {
    "a layer": ("layers", "serialize", "deserialize"),
    "a function": ("activations", "serialize", "get"),
}


class SerializeNested:
    """KS106: serialize the nested layer or function in get_config() and rebuild it in from_config()."""

    def plan(self, context: FixContext, finding: Finding) -> str | None:
        get_config = context.node_at(finding.line, finding.col, cst.FunctionDef)
        class_node = context.enclosing(get_config, cst.ClassDef) if get_config is not None else None
        found = class_library(context, class_node) if class_node is not None else None
        if found is None:
            return "could not find the class and its Keras library"
        library = found[0]
        raw, serialized = _RAW.search(finding.message), _SERIALIZED.search(finding.message)
        if raw is not None:
            name, kind = raw.group("name"), raw.group("kind")
            if kind not in _HELPERS:
                return f"{kind} needs a serializer chosen by hand: no automatic fix"
            submodule, serializer, deserializer = _HELPERS[kind]
            module = keras_module_spelling(context, library, submodule)
            if module is None:
                return f"this file imports no way to reach keras.{submodule}: no automatic fix"
            value = _config_value(get_config, name)
            if value is None:
                return f"could not find the value of '{name}' in get_config()"
            serialize = cst.parse_expression(f"{module}.{serializer}")
            context.edit(value, lambda node: cst.Call(serialize, [cst.Arg(node)]))
            rebuild = f"{module}.{deserializer}"
        elif serialized is not None:
            name = serialized.group("name")
            value = _config_value(get_config, name)
            callee = dotted(value.func) if isinstance(value, cst.Call) else None
            if callee is None or "serialize" not in callee.rsplit(".", 1)[-1]:
                return f"'{name}' is not stored with a known serializer: no automatic fix"
            head, _, last = callee.rpartition(".")
            deserializer = last.replace("serialize", "deserialize")
            rebuild = f"{head}.{deserializer}" if head else deserializer
        else:
            return "no automatic fix"
        _add_from_config_line(context, class_node, f'config["{name}"] = {rebuild}(config["{name}"])')
        return None


def _config_value(get_config: cst.FunctionDef, name: str) -> cst.BaseExpression | None:
    """The expression get_config() stores under `name`."""
    stack: list[cst.CSTNode] = [get_config.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.DictElement) and isinstance(node.key, cst.SimpleString):
            if node.key.evaluated_value == name:
                return node.value
        elif isinstance(node, cst.Assign) and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Subscript) and len(target.slice) == 1:
                index = target.slice[0].slice
                if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
                    if index.value.evaluated_value == name:
                        return node.value
        elif isinstance(node, cst.Arg) and node.keyword is not None and node.keyword.value == name:
            return node.value
        stack.extend(node.children)
    return None


def _add_from_config_line(context: FixContext, class_node: cst.ClassDef, line: str) -> None:
    """Collect the lines per class; one edit writes (or extends) from_config()."""
    lines = context.state.setdefault(("from_config", id(class_node)), [])
    if not lines:
        context.edit(class_node, lambda node: _with_from_config(node, lines))
    lines.append(line)


def _with_from_config(class_node: cst.ClassDef, lines: list[str]) -> cst.ClassDef:
    existing = class_method(class_node, "from_config")
    if existing is not None:
        params = [*existing.params.posonly_params, *existing.params.params]
        config = params[1].name.value if len(params) > 1 else "config"
        statements = [cst.parse_statement(line.replace('config["', f'{config}["') + "\n") for line in lines]
        body = list(existing.body.body)
        updated = existing.with_changes(body=existing.body.with_changes(body=[*statements, *body]))
        return class_node.with_changes(
            body=class_node.body.with_changes(
                body=[updated if item is existing else item for item in class_node.body.body]
            )
        )
    method = cst.parse_statement(
        "@classmethod\ndef from_config(cls, config):\n"
        + "".join(f"    {line}\n" for line in lines)
        + "    return cls(**config)\n"
    )
    return _insert_after(class_node, "get_config", method)


FIXERS = {
    "KS106": SerializeNested(),
    "KS101": WriteGetConfig(),
    "KS102": AddMissingKey(),
    "KS103": StartFromSuper(),
    "KS104": AcceptKwargs(),
}
