"""Does importing a module do work? A fix that adds `from train import Scale` to a
loading script runs train.py when the loader runs: if train.py trains and saves at
its top level, the loader re-trains and overwrites the saved model. So the KS301 fix
only imports modules whose top level defines things and nothing else.

"Defines things" is a short, safe list: imports, `def`, `class`, docstrings,
constants (literals, names, containers and arithmetic of those), calls to a few
constructors known to have no effect (`logging.getLogger`, `re.compile`,
`pathlib.Path`, ...), registrations with Keras, `if __name__ == "__main__":`
blocks (they do not run on import), and `if`/`try` blocks made of the same.
Anything else (`model.fit(...)`, `model.save(...)`, `print(...)`, a data load)
counts as work.
"""

from __future__ import annotations

import ast
import tokenize
from pathlib import Path

from ..keras_names import is_main_guard

# Calls that build a value and do nothing else, by their dotted name as written.
_PURE_CALLS = frozenset(
    {
        "dict", "list", "tuple", "set", "frozenset", "int", "float", "str", "bool", "bytes", "range",
        "object", "property", "staticmethod", "classmethod", "len", "sorted", "getattr", "isinstance",
        "logging.getLogger", "getLogger", "re.compile", "Path", "pathlib.Path", "os.path.join",
        "os.path.dirname", "os.path.abspath", "os.path.basename", "os.path.splitext", "os.path.expanduser",
        "os.environ.get", "os.getenv", "collections.namedtuple", "namedtuple", "typing.TypeVar", "TypeVar",
        "typing.NewType", "NewType", "dataclasses.field", "field", "functools.partial", "partial",
        "Path.home", "Path.cwd", "os.getcwd",
    }
)
# Calls that register with Keras (or build the decorator that does): meant to run on import.
_REGISTRATION_NAMES = ("register_keras_serializable", "get_custom_objects", "register_serializable")


def import_work(path: Path) -> tuple[int, str] | None:
    """(line, statement) of the first top-level statement of the file that does work
    when the module is imported; None when it only defines things.

    A file that cannot be read or parsed counts as doing work: nothing is known."""
    try:
        with tokenize.open(path) as handle:
            source = handle.read()
        tree = ast.parse(source)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError, RecursionError, MemoryError):
        return 1, "(the file cannot be read)"
    for statement in tree.body:
        working = _first_work(statement)
        if working is not None:
            return working.lineno, _one_line(ast.get_source_segment(source, working) or type(working).__name__)
    return None


def _first_work(statement: ast.stmt) -> ast.stmt | None:
    """The statement itself (or the first statement inside it) that does work; None if it only defines."""
    if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass, ast.Global, ast.Nonlocal)):
        return None
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        # Decorators run on import: registrations and constant-built decorators are fine.
        return None if all(_pure(decorator) for decorator in statement.decorator_list) else statement
    if isinstance(statement, ast.Expr):
        value = statement.value
        if isinstance(value, ast.Constant):
            return None
        if isinstance(value, ast.Call) and _registration(value) and _pure_arguments(value):
            return None
        return statement
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        value = statement.value
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if value is not None and not _pure(value):
            return statement
        return None if all(_plain_target(target) for target in targets) else statement
    if isinstance(statement, ast.If):
        if is_main_guard(statement.test):
            return _first_work_in(statement.orelse)
        if not _pure(statement.test):
            return statement
        return _first_work_in(statement.body) or _first_work_in(statement.orelse)
    if isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
        handlers = [line for handler in statement.handlers for line in handler.body]
        return _first_work_in([*statement.body, *handlers, *statement.orelse, *statement.finalbody])
    return statement


def _first_work_in(statements: list[ast.stmt]) -> ast.stmt | None:
    for statement in statements:
        working = _first_work(statement)
        if working is not None:
            return working
    return None


def _plain_target(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, ast.Subscript):  # get_custom_objects()["Name"] = Name
        return isinstance(target.value, ast.Call) and _registration(target.value) and _pure(target.slice)
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_plain_target(element) for element in target.elts)
    return False


def _pure(node: ast.expr) -> bool:
    """An expression that only builds a value: no call with effects, no await, no walrus."""
    for child in ast.walk(node):
        if isinstance(child, (ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
        if isinstance(child, ast.Call) and not (_dotted(child.func) in _PURE_CALLS or _registration(child)):
            return False  # (the arguments of a pure call are walked too)
    return True


def _registration(call: ast.Call) -> bool:
    """`register_keras_serializable(...)`, `register_keras_serializable(...)(f)`,
    `get_custom_objects()` and `get_custom_objects().update(...)`: registrations, meant to run on import."""
    function = call.func
    if isinstance(function, ast.Call):  # the decorator a registration call returns, applied
        return _registration(function)
    if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Call):
        return function.attr == "update" and _registration(function.value)
    name = _dotted(function) or ""
    return name.rsplit(".", 1)[-1] in _REGISTRATION_NAMES


def _pure_arguments(call: ast.Call) -> bool:
    return all(_pure(argument) for argument in call.args) and all(_pure(keyword.value) for keyword in call.keywords)


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _one_line(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else text
    return first if len(first) <= 60 else first[:57] + "..."
