"""What an explicit `get_config` returns, read from its libcst tree.

We only claim a key is missing when we understood every way the method
builds its dict: literal dicts, `super().get_config()`, `config.update(...)`,
`config["key"] = ...`, `{**base, ...}` and the classic
`dict(list(base.items()) + list(config.items()))`. Anything else (loops,
helpers, `self.__dict__`...) makes the summary incomplete, and rules that
need completeness stay silent.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst

from .class_source import calls_in, cst_dotted


@dataclass
class ConfigSummary:
    calls_super: bool
    complete: bool = True
    keys: dict[str, cst.BaseExpression] = field(default_factory=dict)


def summarize_get_config(function: cst.FunctionDef) -> ConfigSummary:
    reader = _ConfigReader(calls_super=any(_is_super_get_config(call) for call in calls_in(function.body)))
    reader.read_block(function.body)
    return reader.summary


def _is_super_get_config(call: cst.Call) -> bool:
    """`super().get_config()`, `super(Cls, self).get_config()` or `Base.get_config(self)`."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "get_config"):
        return False
    receiver = func.value
    if isinstance(receiver, cst.Call):
        return cst_dotted(receiver.func) == "super"
    return isinstance(receiver, cst.Name | cst.Attribute) and bool(call.args)


def _string_key(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, str) else None
    return None


class _ConfigReader:
    def __init__(self, calls_super: bool) -> None:
        self.summary = ConfigSummary(calls_super)
        self.config_names: set[str] = set()  # locals known to hold (part of) the config

    def give_up(self) -> None:
        self.summary.complete = False

    def read_block(self, block: cst.BaseSuite) -> None:
        if isinstance(block, cst.SimpleStatementSuite):
            for statement in block.body:
                self.read_small(statement)
            return
        for statement in block.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self.read_small(small)
            elif isinstance(statement, cst.If):
                self.read_block(statement.body)
                if statement.orelse is not None:
                    orelse = statement.orelse
                    if isinstance(orelse, cst.If):
                        self.read_block(cst.IndentedBlock(body=[orelse]))
                    else:
                        self.read_block(orelse.body)
            elif isinstance(statement, cst.Try):
                self.read_block(statement.body)
                for handler in statement.handlers:
                    self.read_block(handler.body)
                for extra in (statement.orelse, statement.finalbody):
                    if extra is not None:
                        self.read_block(extra.body)
            else:  # loops, with, nested functions: too dynamic to read
                self.give_up()

    def read_small(self, statement: cst.BaseSmallStatement) -> None:
        if isinstance(statement, cst.Assign):
            for target in statement.targets:
                self.read_assignment(target.target, statement.value)
        elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
            self.read_assignment(statement.target, statement.value)
        elif isinstance(statement, cst.AugAssign):
            if isinstance(statement.target, cst.Name) and statement.target.value in self.config_names:
                self.read_dict_expression(statement.value)
        elif isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
            self.read_update(statement.value)
        elif isinstance(statement, cst.Return):
            if statement.value is None or not self.read_dict_expression(statement.value):
                self.give_up()

    def read_assignment(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            if self.read_dict_expression(value):
                self.config_names.add(target.value)
            else:
                self.config_names.discard(target.value)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            elements = target.slice
            key = None
            if len(elements) == 1 and isinstance(elements[0].slice, cst.Index):
                key = _string_key(elements[0].slice.value)
            if key is None:
                self.give_up()
            else:
                self.summary.keys[key] = value

    def read_update(self, call: cst.Call) -> None:
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "update"):
            return
        for argument in call.args:
            if argument.keyword is not None:
                self.summary.keys[argument.keyword.value] = argument.value
            elif not self.read_dict_expression(argument.value):
                self.give_up()

    def read_dict_expression(self, node: cst.BaseExpression) -> bool:
        """Record the keys of a dict-building expression; False if not one we understand."""
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.StarredDictElement):
                    if not self.read_dict_expression(element.value):
                        self.give_up()
                    continue
                key = _string_key(element.key)
                if key is None:
                    self.give_up()
                else:
                    self.summary.keys[key] = element.value
            return True
        if isinstance(node, cst.Name):
            return node.value in self.config_names
        if isinstance(node, cst.Call):
            if _is_super_get_config(node):
                return True
            callee = cst_dotted(node.func)
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "copy":
                return self.read_dict_expression(node.func.value)
            if callee == "dict":
                return self._read_dict_call(node)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self.read_dict_expression(node.left) and self.read_dict_expression(node.right)
        return False

    def _read_dict_call(self, call: cst.Call) -> bool:
        """`dict(a=1)`, `dict(base)`, `dict(list(base.items()) + list(cfg.items()))`."""
        for argument in call.args:
            if argument.keyword is not None:
                self.summary.keys[argument.keyword.value] = argument.value
            elif not self._read_items_expression(argument.value):
                return False
        return True

    def _read_items_expression(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self._read_items_expression(node.left) and self._read_items_expression(node.right)
        if isinstance(node, cst.Call):
            if cst_dotted(node.func) in ("list", "dict", "tuple") and len(node.args) == 1:
                return self._read_items_expression(node.args[0].value)
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == "items" and not node.args:
                return self.read_dict_expression(node.func.value)
        return self.read_dict_expression(node)
