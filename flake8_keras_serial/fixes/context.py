"""What the fixers share: the original tree with positions, the planned edits
(keyed by the original node they rewrite), and imports to add."""

from __future__ import annotations

from typing import Callable

import libcst as cst

from ..keras_names import ImportMap

Edit = Callable[[cst.CSTNode], cst.CSTNode]


class FixContext:
    def __init__(
        self, module: cst.Module, positions, imports: ImportMap, project_major: int, package: str, module_name: str
    ) -> None:
        self.module = module
        self.module_name = module_name  # the file's dotted name in its project
        self.positions = positions
        self.imports = imports
        self.project_major = project_major
        self.package = package
        self.edits: dict[int, list[Edit]] = {}
        self.new_imports: list[str] = []
        self.renames: dict[str, str] = {}  # literal save paths changed: old -> new
        self.state: dict = {}  # per-fixer bookkeeping (e.g. weights moved per class)
        self._parents: dict[int, cst.CSTNode] | None = None
        self.project = None  # the ProjectContext around the file, when it has a name

    # --- finding nodes ---------------------------------------------------------

    def node_at(self, line: int, col: int, kind: type) -> cst.CSTNode | None:
        """The node of `kind` starting at (line, col) of the original file (col 0-based)."""
        for node, position in self.positions.items():
            if isinstance(node, kind) and position.start.line == line and position.start.column == col:
                return node
        return None

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        if self._parents is None:
            self._parents = {}
            stack = [self.module]
            while stack:
                current = stack.pop()
                for child in current.children:
                    self._parents[id(child)] = current
                    stack.append(child)
        return self._parents.get(id(node))

    def enclosing(self, node: cst.CSTNode, kind: type) -> cst.CSTNode | None:
        current = self.parent(node)
        while current is not None and not isinstance(current, kind):
            current = self.parent(current)
        return current

    # --- planning edits --------------------------------------------------------

    def edit(self, node: cst.CSTNode, function: Edit) -> None:
        self.edits.setdefault(id(node), []).append(function)

    def require_import(self, statement: str) -> None:
        if statement not in self.new_imports:
            self.new_imports.append(statement)

    def transformer(self) -> cst.CSTTransformer:
        edits = self.edits

        class ApplyEdits(cst.CSTTransformer):
            def on_leave(self, original_node, updated_node):
                for function in edits.get(id(original_node), ()):
                    updated_node = function(updated_node)
                return updated_node

        return ApplyEdits()

    def add_imports(self, module: cst.Module) -> cst.Module:
        """New imports go after the module's docstring and `__future__` imports."""
        if not self.new_imports:
            return module
        body = list(module.body)
        position = 0
        for index, statement in enumerate(body):
            if isinstance(statement, cst.SimpleStatementLine) and statement.body:
                first = statement.body[0]
                is_docstring = index == 0 and isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString)
                is_future = isinstance(first, cst.ImportFrom) and getattr(first.module, "value", "") == "__future__"
                if is_docstring or is_future:
                    position = index + 1
                    continue
            break
        added = [cst.parse_statement(statement + "\n") for statement in self.new_imports]
        return module.with_changes(body=[*body[:position], *added, *body[position:]])


def self_attribute_of(function: cst.FunctionDef, parameter: str) -> str | None:
    """The attribute `__init__` stores a parameter in: `self.units = units` -> units."""
    params = [*function.params.posonly_params, *function.params.params]
    self_name = params[0].name.value if params else "self"
    for line in function.body.body:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for statement in line.body:
            if (
                isinstance(statement, cst.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.value, cst.Name)
                and statement.value.value == parameter
            ):
                target = statement.targets[0].target
                if (
                    isinstance(target, cst.Attribute)
                    and isinstance(target.value, cst.Name)
                    and target.value.value == self_name
                ):
                    return target.attr.value
    return None


def class_method(class_node: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    if not isinstance(class_node.body, cst.IndentedBlock):
        return None
    return next(
        (item for item in class_node.body.body if isinstance(item, cst.FunctionDef) and item.name.value == name),
        None,
    )


def init_parameters(init: cst.FunctionDef) -> list[str]:
    """Constructor parameters a config must carry (self, *args, **kwargs and base keys excluded)."""
    params = [*init.params.posonly_params, *init.params.params][1:] + list(init.params.kwonly_params)
    return [param.name.value for param in params if param.name.value not in ("name", "trainable", "dtype")]


_LIBRARY_ROOTS = {"keras": ("keras",), "tf.keras": ("tensorflow.keras", "tensorflow"), "tf_keras": ("tf_keras",)}


def dotted(node: cst.CSTNode) -> str | None:
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def class_library(context: "FixContext", class_node: cst.ClassDef) -> tuple[str, str] | None:
    """(library, the local name the base class is spelled from), e.g. ("tf.keras", "keras")."""
    from ..keras_names import split_keras_name

    for base in class_node.bases:
        spelled = dotted(base.value)
        keras_name = split_keras_name(context.imports.qualify_dotted(spelled))
        if keras_name is not None:
            return keras_name.library, spelled.split(".", 1)[0]
    return None


def keras_module_spelling(context: "FixContext", library: str, submodule: str) -> str | None:
    """How this file reaches `<library>.<submodule>` (e.g. `layers`, `keras.layers`, `tf.keras.layers`)."""
    for local, target in context.imports.items():
        for root in _LIBRARY_ROOTS[library]:
            full = f"{root}.{submodule}" if root != "tensorflow" else f"tensorflow.keras.{submodule}"
            if target == full:
                return local
            if target == root:
                return f"{local}.{submodule}" if root != "tensorflow" else f"{local}.keras.{submodule}"
    return None
