"""A small, safe constant evaluator over the `ast`, for the verifier's plan:
what a careful reader can tell a constructor argument is, without running
any of the user's code (no `eval`).

It knows literals; names bound once at module level or in the enclosing
function (and a function parameter's default); arithmetic (`+ - * / // % **`,
sizes kept small); tuples, lists, dicts and sets; f-strings; and a few pure
builtins (`len`, `int`, `float`, `str`, `min`, `max`, `abs`, `round`, `tuple`,
`list`). Anything else is unknown.
"""

from __future__ import annotations

import ast
import operator


class Unknown(Exception):
    """The value cannot be told from the source."""


_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
_BUILTINS = {"len": len, "int": int, "float": float, "str": str, "min": min, "max": max, "abs": abs,
             "round": round, "tuple": tuple, "list": list, "bool": bool}
_MAX_DEPTH = 50
_MAX_SIZE = 10_000  # no string or sequence the evaluator makes grows past this


def bindings(statements: list[ast.stmt]) -> dict[str, ast.expr]:
    """Names assigned exactly once among these statements (not in loops or
    branches): a name bound twice, or by a for/with/import, is unknown."""
    counts: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                counts[node.id] = counts.get(node.id, 0) + 1
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                values[target.id] = statement.value
            elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(statement.value, (ast.Tuple, ast.List)):
                if len(target.elts) == len(statement.value.elts):
                    for name, value in zip(target.elts, statement.value.elts):
                        if isinstance(name, ast.Name):
                            values[name.id] = value
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value:
            values[statement.target.id] = statement.value
    return {name: value for name, value in values.items() if counts.get(name) == 1}


class _InModule:
    """A parameter's value: an expression of the module (a default, or the argument of its one call)."""

    __slots__ = ("node",)

    def __init__(self, node: ast.expr) -> None:
        self.node = node


class Evaluator:
    """Evaluates expressions of one module; `scope` adds a function's names."""

    def __init__(self, tree: ast.Module) -> None:
        self.module_names = bindings(tree.body)
        self.functions = {
            node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        self._calls: dict[str, list[tuple[ast.Call, bool]]] = {}  # function name -> (call, at module level)
        for statement in tree.body:
            module_level = not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            for node in ast.walk(statement):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    self._calls.setdefault(node.func.id, []).append((node, module_level))

    def function_scope(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
        """Names bound once in the function, and parameters with a default
        (the value it gets when called without that argument)."""
        scope: dict = bindings(function.body)
        arguments = function.args
        positional = [*arguments.posonlyargs, *arguments.args]
        # Values a parameter gets are evaluated where the caller wrote them, in the module:
        # `def build(dropout_rate=dropout_rate)` is the module constant.
        for parameter, value in self._only_call(function, positional).items():
            scope.setdefault(parameter, _InModule(value))
        for parameter, default in zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults):
            scope.setdefault(parameter.arg, _InModule(default))
        for parameter, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
            if default is not None:
                scope.setdefault(parameter.arg, _InModule(default))
        parameters = {parameter.arg for parameter in [*positional, *arguments.kwonlyargs]}
        # A parameter without a default is unknown, even if a module name matches it.
        for name in parameters - set(scope):
            scope[name] = None
        return scope

    def _only_call(self, function, positional) -> dict[str, ast.expr]:
        """The arguments of the one call of a module function, when the module's own
        top-level code makes it (`model = create_model(encoding_size)`) and nothing else does."""
        calls = self._calls.get(function.name, [])
        if self.functions.get(function.name) is not function or len(calls) != 1 or not calls[0][1]:
            return {}
        call = calls[0][0]
        if any(isinstance(argument, ast.Starred) for argument in call.args) or len(call.args) > len(positional):
            return {}
        given = {parameter.arg: argument for parameter, argument in zip(positional, call.args)}
        names = {parameter.arg for parameter in [*positional, *function.args.kwonlyargs]}
        for item in call.keywords:
            if item.arg is None or item.arg not in names:
                return {}
            given[item.arg] = item.value
        return given

    def value(self, node: ast.expr, scope: dict | None = None):
        return self._value(node, scope or {}, 0, frozenset())

    def _value(self, node, scope, depth, seen):
        if depth > _MAX_DEPTH:
            raise Unknown
        depth += 1
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self._name(node.id, scope, depth, seen)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = [self._value(item, scope, depth, seen) for item in node.elts if not isinstance(item, ast.Starred)]
            if any(isinstance(item, ast.Starred) for item in node.elts):
                raise Unknown
            return tuple(items) if isinstance(node, ast.Tuple) else items if isinstance(node, ast.List) else set(items)
        if isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):
                raise Unknown
            return {self._value(key, scope, depth, seen): self._value(value, scope, depth, seen)
                    for key, value in zip(node.keys, node.values)}
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left = self._value(node.left, scope, depth, seen)
            right = self._value(node.right, scope, depth, seen)
            return _checked(_BINARY[type(node.op)], left, right)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](self._value(node.operand, scope, depth, seen))
        if isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    if part.format_spec is not None or part.conversion not in (-1,):
                        raise Unknown
                    parts.append(str(self._value(part.value, scope, depth, seen)))
                else:
                    parts.append(str(part.value))
            return "".join(parts)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _BUILTINS:
            if node.keywords or node.func.id in scope or node.func.id in self.module_names:
                raise Unknown  # keywords, or a shadowed builtin
            args = [self._value(argument, scope, depth, seen) for argument in node.args]
            try:
                return _BUILTINS[node.func.id](*args)
            except Exception as error:  # noqa: BLE001 - e.g. int("x"): not a value
                raise Unknown from error
        raise Unknown

    def _name(self, name, scope, depth, seen):
        if name in seen:
            raise Unknown
        if name in scope:
            if scope[name] is None:
                raise Unknown
            if isinstance(scope[name], _InModule):
                return self._value(scope[name].node, {}, depth, frozenset())
            # A function's own name is evaluated in the function, then the module.
            return self._value(scope[name], scope, depth, seen | {name})
        if name in self.module_names:
            return self._value(self.module_names[name], {}, depth, seen | {name})
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        raise Unknown


def _checked(function, left, right):
    if function is operator.pow and isinstance(right, (int, float)) and abs(right) > 64:
        raise Unknown
    if function is operator.mul:
        for sequence, count in ((left, right), (right, left)):
            is_sequence = isinstance(sequence, (str, list, tuple)) and isinstance(count, int)
            if is_sequence and len(sequence) * count > _MAX_SIZE:
                raise Unknown
    try:
        result = function(left, right)
    except Exception as error:  # noqa: BLE001 - 1 / 0, "a" - 1: not a value
        raise Unknown from error
    if isinstance(result, (str, list, tuple)) and len(result) > _MAX_SIZE:
        raise Unknown
    return result


def enclosing_functions(tree: ast.Module) -> dict[int, ast.FunctionDef | ast.AsyncFunctionDef]:
    """id(node) -> the innermost function it is in."""
    found: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if inner is not None:
                found[id(child)] = inner
            visit(child, inner)

    visit(tree, None)
    return found
