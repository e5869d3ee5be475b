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
from functools import lru_cache

from .class_source import FunctionNode, calls_in
from .keras_names import dotted_name


@dataclass
class ConfigSummary:
    calls_super: bool
    complete: bool = True
    keys: dict[str, ast.expr] = field(default_factory=dict)
    returns: bool = False  # a `return` with a value was seen


@lru_cache(maxsize=256)
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
        for statement in statements:
            if isinstance(statement, ast.If):
                self.read_block(statement.body)
                self.read_block(statement.orelse)
            elif isinstance(statement, ast.Try):
                self.read_block(statement.body)
                for handler in statement.handlers:
                    self.read_block(handler.body)
                self.read_block(statement.orelse)
                self.read_block(statement.finalbody)
            elif isinstance(statement, ast.Assign):
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
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self.read_dict_expression(node.left) and self.read_dict_expression(node.right)
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
            return self._read_items_expression(node.left) and self._read_items_expression(node.right)
        if isinstance(node, ast.Call):
            if dotted_name(node.func) in ("list", "dict", "tuple") and len(node.args) == 1 and not node.keywords:
                return self._read_items_expression(node.args[0])
            if isinstance(node.func, ast.Attribute) and node.func.attr == "items" and not node.args:
                return self.read_dict_expression(node.func.value)
        return self.read_dict_expression(node)
