"""Fixes for KS201 (move `self.w = self.add_weight(...)` from __init__ into build()) and KS205
(make a model's build() build its sublayers, or call super().build() under Keras 2)."""

from __future__ import annotations

import libcst as cst

from ..rules.base import Finding
from .context import FixContext, class_method, self_attribute_of


class MoveToBuild:
    def plan(self, context: FixContext, finding: Finding) -> str | None:
        statement = context.node_at(finding.line, finding.col, cst.Assign)
        line = context.parent(statement) if statement is not None else None
        init = context.enclosing(statement, cst.FunctionDef) if statement is not None else None
        class_node = context.enclosing(init, cst.ClassDef) if init is not None else None
        if statement is None or class_node is None or init.name.value != "__init__":
            return "only `self.x = self.add_weight(...)` statements are moved"
        if not _is_add_weight(statement) or not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            return "only a `self.x = self.add_weight(...)` statement on a line of its own is moved"
        if line not in init.body.body:
            return "the statement is inside a block of __init__: not moving it"
        renames = _parameter_attributes(init, statement)
        if isinstance(renames, str):
            return renames
        moved = line.visit(_Rename(renames))
        plan = context.state.setdefault(id(class_node), {"lines": [], "init": init})
        if not plan["lines"]:
            context.edit(init, lambda node: _without(node, plan["removed"]))
            context.edit(class_node, lambda node: _with_build(node, plan["lines"]))
            plan["removed"] = []
        plan["lines"].append(moved)
        plan["removed"].append(init.body.body.index(line))
        return None


def _is_add_weight(statement: cst.Assign) -> bool:
    value = statement.value
    return (
        len(statement.targets) == 1
        and isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value in ("add_weight", "add_variable")
    )


def _parameter_attributes(init: cst.FunctionDef, statement: cst.Assign) -> dict[str, str] | str:
    """Parameters the call reads -> the attributes that hold them in build()."""
    params = {param.name.value for param in [*init.params.params, *init.params.kwonly_params]}
    renames = {}
    stack: list[cst.CSTNode] = [statement.value]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and node.value in params and node.value != "self":
            attribute = self_attribute_of(init, node.value)
            if attribute is None:
                return f"it reads '{node.value}', which __init__ does not store under an obvious attribute"
            renames[node.value] = attribute
        if isinstance(node, cst.Attribute):
            stack.append(node.value)  # `x.attr`: the attribute name is not a variable
        elif isinstance(node, cst.Arg):
            stack.append(node.value)  # `shape=`: the keyword is not a variable
        else:
            stack.extend(node.children)
    return renames


class _Rename(cst.CSTTransformer):
    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames

    def leave_Name(self, original_node, updated_node):
        if updated_node.value in self.renames:
            return cst.parse_expression(f"self.{self.renames[updated_node.value]}")
        return updated_node

    def leave_Attribute(self, original_node, updated_node):
        return updated_node.with_changes(attr=original_node.attr)  # never rename `.attr`

    def leave_Arg(self, original_node, updated_node):
        return updated_node.with_changes(keyword=original_node.keyword)  # nor `keyword=`


def _without(init: cst.FunctionDef, indexes: list[int]) -> cst.FunctionDef:
    body = [line for index, line in enumerate(init.body.body) if index not in indexes]
    return init.with_changes(body=init.body.with_changes(body=body))


def _with_build(class_node: cst.ClassDef, lines: list[cst.SimpleStatementLine]) -> cst.ClassDef:
    lines = [line.with_changes(leading_lines=[]) for line in lines]
    body = list(class_node.body.body)
    build = class_method(class_node, "build")
    if build is not None:
        index = body.index(build)
        statements = list(build.body.body)
        docstring = 1 if statements and _is_docstring(statements[0]) else 0
        statements[docstring:docstring] = lines
        body[index] = build.with_changes(body=build.body.with_changes(body=statements))
    else:
        method = cst.parse_statement("def build(self, input_shape):\n    pass\n")
        method = method.with_changes(
            body=method.body.with_changes(body=lines), leading_lines=[cst.EmptyLine(indent=False)]
        )
        init_index = next(
            (i for i, item in enumerate(body) if isinstance(item, cst.FunctionDef) and item.name.value == "__init__"),
            len(body) - 1,
        )
        body.insert(init_index + 1, method)
    return class_node.with_changes(body=class_node.body.with_changes(body=body))


def _is_docstring(line: cst.CSTNode) -> bool:
    return (
        isinstance(line, cst.SimpleStatementLine)
        and isinstance(line.body[0], cst.Expr)
        and isinstance(line.body[0].value, cst.SimpleString)
    )


class BuildSublayers:
    """KS205. Keras 3: `self.x.build(input_shape)` at the top of build() for each unbuilt
    sublayer that call() applies to its own input (so the shape is build()'s). Keras 2:
    `super().build(input_shape)` at the end of build()."""

    def plan(self, context: FixContext, finding: Finding) -> str | None:
        build = context.node_at(finding.line, finding.col, cst.FunctionDef)
        if build is None or build.name.value != "build" or not isinstance(build.body, cst.IndentedBlock):
            return "only a build() method written as a block is changed"
        shape = _shape_parameter(build)
        if shape is None:
            return "build() has no input-shape parameter to build with"
        version, *attributes = finding.fix_data
        if version == "keras2":
            lines = [cst.parse_statement(f"super().build({shape})\n")]
            context.edit(build, lambda node: _append_to_body(node, lines))
            return None
        if not attributes:
            return "some unbuilt sublayer is not applied to call()'s own input: its input shape is not known here"
        lines = [cst.parse_statement(f"self.{attribute}.build({shape})\n") for attribute in attributes]
        context.edit(build, lambda node: _prepend_to_body(node, lines))
        return None


def _shape_parameter(function: cst.FunctionDef) -> str | None:
    params = [*function.params.posonly_params, *function.params.params]
    return params[1].name.value if len(params) > 1 else None


def _body_without_pass(function: cst.FunctionDef) -> list[cst.BaseStatement]:
    """The statements, without a lone `pass` (it is there only because the body was empty)."""
    body = list(function.body.body)
    if len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) and all(
        isinstance(item, cst.Pass) for item in body[0].body
    ):
        return []
    return body


def _prepend_to_body(function: cst.FunctionDef, lines: list[cst.BaseStatement]) -> cst.FunctionDef:
    body = _body_without_pass(function)
    docstring = 1 if body and _is_docstring(body[0]) else 0
    body[docstring:docstring] = lines
    return function.with_changes(body=function.body.with_changes(body=body))


def _append_to_body(function: cst.FunctionDef, lines: list[cst.BaseStatement]) -> cst.FunctionDef:
    body = [*_body_without_pass(function), *lines]
    return function.with_changes(body=function.body.with_changes(body=body))


FIXERS = {"KS201": MoveToBuild(), "KS205": BuildSublayers()}
