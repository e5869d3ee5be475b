"""The module-level names a Lambda layer's function reads (KS305, Keras 2 `.h5` and SavedModel).

Keras 2 stores the function's bytecode and, on load, builds it again with the globals of its
own `lambda_layer` module, of the module the function was defined in *as the loading process
knows it* (`__main__` is the loading script) and of `custom_objects`. A module-level name of
the training script is therefore missing there: calling the layer raises NameError.
"""

from __future__ import annotations

import ast
import builtins

# The names tf_keras's lambda_layer module binds (tf_keras 2.21): always found on load.
LOADER_GLOBALS = frozenset(
    {
        "Lambda", "Layer", "generic_utils", "keras_export", "np", "python_types", "serialization_lib",
        "sys", "textwrap", "tf", "tf_inspect", "tf_logging", "tf_utils", "warnings",
    }
)
_BUILTINS = frozenset(dir(builtins))
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def module_level_names(tree: ast.Module) -> set[str]:
    """The names the module binds at its top level (also inside top-level if/try/with/for)."""
    names: set[str] = set()
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name != "*"}
            continue
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                pending.append(child)
            elif isinstance(child, ast.excepthandler):
                pending.extend(child.body)
            else:
                names |= {
                    item.id
                    for item in ast.walk(child)
                    if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Store)
                }
    return names


def _bound_in(function: ast.AST) -> set[str]:
    """Every name `function` (or a scope inside it) binds: arguments, assignments, defs, imports.
    Taking the nested scopes' names as bound too keeps the answer on the silent side."""
    bound: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, _SCOPES):
            arguments = node.args
            bound |= {
                item.arg
                for item in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
                + [item for item in (arguments.vararg, arguments.kwarg) if item is not None]
            }
            if node is not function and not isinstance(node, ast.Lambda):
                bound.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for node in ast.walk(function):
            if isinstance(node, ast.Global):
                bound -= set(node.names)
    return bound


def _enclosing_functions(tree: ast.Module, target: ast.AST) -> list[ast.AST]:
    """The functions (and lambdas) around `target`, innermost last; [] at module level."""
    path: list[ast.AST] = []

    def visit(node: ast.AST) -> bool:
        for child in ast.iter_child_nodes(node):
            if child is target:
                return True
            if isinstance(child, _SCOPES):
                path.append(child)
                if visit(child):
                    return True
                path.pop()
            elif visit(child):
                return True
        return False

    visit(tree)
    return path


def missing_globals(tree: ast.Module, function: ast.AST) -> list[str]:
    """The module-level names of this file that `function` (a lambda or a def) reads and
    that a Keras 2 load does not find: not a closure of an enclosing function, not a
    builtin, not one of the loader's own globals. In order of first reading."""
    bound = _bound_in(function)
    for outer in _enclosing_functions(tree, function):
        bound |= _bound_in(outer)
    module_names = module_level_names(tree)
    body = function.body  # the bytecode: not the decorators, nor the defaults (stored as values)
    reads = sorted(
        (
            node
            for part in (body if isinstance(body, list) else [body])
            for node in ast.walk(part)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
        ),
        key=lambda node: (node.lineno, node.col_offset),
    )
    found: list[str] = []
    for node in reads:
        name = node.id
        if name in module_names and name not in bound | LOADER_GLOBALS | _BUILTINS and name not in found:
            found.append(name)
    return found
