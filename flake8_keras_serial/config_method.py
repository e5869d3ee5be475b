"""What an explicit `get_config` returns, read from its `ast`.

We only claim a key is missing when we understood every way the method
builds its dict: literal dicts, `super().get_config()`, `config.update(...)`,
`config["key"] = ...`, `{**base, ...}`, `base | {...}` and the classic
`dict(list(base.items()) + list(config.items()))`. Anything else (loops,
helpers, `self.__dict__`...) makes the summary incomplete, and rules that
need completeness stay silent.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .class_source import FunctionNode, calls_in
from .keras_names import dotted_name


@dataclass
class ConfigSummary:
    calls_super: bool
    complete: bool = True
    keys: dict[str, ast.expr] = field(default_factory=dict)
    returns: bool = False  # a `return` with a value was seen


def summarize_get_config(function: FunctionNode) -> ConfigSummary:
    reader = _ConfigReader(calls_super=any(_is_super_get_config(call) for call in calls_in(function)))
    reader.read_block(function.body)
    return reader.summary


def _is_super_get_config(call: ast.Call) -> bool:
    """`super().get_config()`, `super(Cls, self).get_config()` or `Base.get_config(self)`."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "get_config"):
        return False
    receiver = func.value
    if isinstance(receiver, ast.Call):
        return dotted_name(receiver.func) == "super"
    return isinstance(receiver, ast.Name | ast.Attribute) and bool(call.args)


def _string_key(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _ConfigReader:
    def __init__(self, calls_super: bool) -> None:
        self.summary = ConfigSummary(calls_super)
        self.config_names: set[str] = set()  # locals known to hold (part of) the config

    def give_up(self) -> None:
        self.summary.complete = False

    def read_block(self, statements: list[ast.stmt]) -> None:
        for statement in _linear_statements(statements):
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    self.read_assignment(target, statement.value)
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                self.read_assignment(statement.target, statement.value)
            elif isinstance(statement, ast.AugAssign):
                if isinstance(statement.target, ast.Name) and statement.target.id in self.config_names:
                    self.read_dict_expression(statement.value)
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                self.read_update(statement.value)
            elif isinstance(statement, ast.Return):
                self.summary.returns = self.summary.returns or statement.value is not None
                if statement.value is None or not self.read_dict_expression(statement.value):
                    self.give_up()
            elif isinstance(statement, (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Match)):
                self.give_up()  # too dynamic to read

    def read_assignment(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            if self.read_dict_expression(value):
                self.config_names.add(target.id)
            else:
                self.config_names.discard(target.id)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            key = _string_key(target.slice)
            if key is None:
                self.give_up()
            else:
                self.summary.keys[key] = value

    def read_update(self, call: ast.Call) -> None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "update"):
            return
        for keyword in call.keywords:
            if keyword.arg is None:
                if not self.read_dict_expression(keyword.value):
                    self.give_up()
            else:
                self.summary.keys[keyword.arg] = keyword.value
        for argument in call.args:
            if not self.read_dict_expression(argument):
                self.give_up()

    def read_dict_expression(self, node: ast.expr) -> bool:
        """Record the keys of a dict-building expression; False if not one we understand."""
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if key is None:  # {**other}
                    if not self.read_dict_expression(value):
                        self.give_up()
                elif (name := _string_key(key)) is None:
                    self.give_up()
                else:
                    self.summary.keys[name] = value
            return True
        if isinstance(node, ast.Name):
            return node.id in self.config_names
        if isinstance(node, ast.Call):
            if _is_super_get_config(node):
                return True
            if isinstance(node.func, ast.Attribute) and node.func.attr == "copy" and not node.args:
                return self.read_dict_expression(node.func.value)
            if dotted_name(node.func) == "dict":
                return self._read_dict_call(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # base | {"units": ...}
            return all(self.read_dict_expression(operand) for operand in _operands(node, ast.BitOr))
        return False

    def _read_dict_call(self, call: ast.Call) -> bool:
        """`dict(a=1)`, `dict(base)`, `dict(list(base.items()) + list(cfg.items()))`."""
        for keyword in call.keywords:
            if keyword.arg is None:
                if not self.read_dict_expression(keyword.value):
                    return False
            else:
                self.summary.keys[keyword.arg] = keyword.value
        return all(self._read_items_expression(argument) for argument in call.args)

    def _read_items_expression(self, node: ast.expr) -> bool:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return all(self._read_items_expression(operand) for operand in _operands(node, ast.Add))
        if isinstance(node, ast.Call):
            if dotted_name(node.func) in ("list", "dict", "tuple") and len(node.args) == 1 and not node.keywords:
                return self._read_items_expression(node.args[0])
            if isinstance(node.func, ast.Attribute) and node.func.attr == "items" and not node.args:
                return self.read_dict_expression(node.func.value)
        return self.read_dict_expression(node)


def _linear_statements(statements: list[ast.stmt]):
    """The statements of a block with `if`/`try` bodies spliced in, in source order.

    Iterative: a chain of 1000 `elif`s must not exhaust the recursion limit.
    """
    stack = [iter(statements)]
    while stack:
        statement = next(stack[-1], None)
        if statement is None:
            stack.pop()
        elif isinstance(statement, ast.If):
            stack.append(iter([*statement.body, *statement.orelse]))
        elif isinstance(statement, ast.Try):
            handlers = [inner for handler in statement.handlers for inner in handler.body]
            stack.append(iter([*statement.body, *handlers, *statement.orelse, *statement.finalbody]))
        else:
            yield statement


def _operands(node: ast.expr, operator: type) -> list[ast.expr]:
    """`a | b | c` -> [a, b, c], iteratively (left-nested chains can be long)."""
    operands: list[ast.expr] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.BinOp) and isinstance(current.op, operator):
            stack += [current.right, current.left]
        else:
            operands.append(current)
    return operands
