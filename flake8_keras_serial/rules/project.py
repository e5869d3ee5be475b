"""KS301: a load_model() that will not find the custom objects its model needs.

The classic failure spans two files: train.py builds a model from custom
classes and saves it; serve.py loads it without custom_objects and without
importing the module that registers the classes. The project index links
the two by path; without a link, every custom class of the project counts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

from ..keras_names import api_named
from ..project_index import ProjectIndex
from ..saveload_calls import LOAD_MODEL, SaveLoadCall
from .base import Finding, ModuleContext, Rule

# Keras 2's .keras loader imports the module of a top-level model, loss or
# metric class itself (see KS105), so those need no registration there.
_FOUND_BY_MODULE_IN_KERAS_2 = frozenset({"model", "loss", "metric"})
_COMPILE_ONLY = frozenset({"loss", "metric"})


@dataclass(frozen=True)
class Needed:
    name: str
    module: str
    kind: str
    registered: bool
    keys: tuple[str, ...]
    library: str


class LoadWithoutCustomObjects(Rule):
    code = "KS301"

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        loads = [entry for entry in module.save_load_calls if entry.kind == LOAD_MODEL]
        if not loads:
            return
        scoped_lines = _custom_object_scope_lines(module)
        for entry in loads:
            if "custom_objects" in entry.keywords or entry.call.lineno in scoped_lines:
                continue
            if entry.path.has_extension() is False and module.major_of_call(entry) == 2:
                continue  # a Keras 2 SavedModel folder loads without any code [s17, s17c]
            index = module.index
            if index is None:
                return
            linked, needed = _needed(module, index, entry)
            missing = _missing(module, index, entry, needed)
            if missing is not None:
                what = f"of '{entry.path.known_end}' " if entry.path.known_end else ""
                source = "the model saved there" if linked else "this project's custom objects"
                yield self.finding(
                    entry.position,
                    f"load_model() {what}cannot find {source}: {missing.message()}",
                    missing.fix_data(),
                )


def _custom_object_scope_lines(module: ModuleContext) -> set[int]:
    """Lines inside `with custom_object_scope(...)` / `CustomObjectScope(...)`."""
    lines: set[int] = set()
    if module.facts.tree is None:
        return lines
    for node in ast.walk(module.facts.tree):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                expression = item.context_expr
                if isinstance(expression, ast.Call) and api_named(
                    module.facts.imports.keras_name(expression.func), "custom_object_scope", "CustomObjectScope"
                ):
                    lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _same_file(saved: str, loaded: str) -> bool:
    return PurePosixPath(saved.replace("\\", "/")).name == PurePosixPath(loaded.replace("\\", "/")).name


def _needed(module: ModuleContext, index: ProjectIndex, entry: SaveLoadCall) -> tuple[bool, list[Needed]]:
    """(linked to a save?, the custom objects the loaded model needs)."""
    loaded = entry.path.known_end
    names: list[tuple[str, str]] = []  # (module, name as written there)
    compiled: set[tuple[str, str]] = set()
    linked = False
    if loaded:
        for saving_module, summary in index.modules.items():
            for save in summary.get("saves", []):
                if _same_file(save["path"], loaded):
                    linked = True
                    names += [(saving_module, name) for name in save["uses"]]
                    compiled |= {(saving_module, name) for name in save["compiled"]}
    if not linked:
        return False, [_as_needed(owner, item, index) for owner, item in index.classes()]
    found: dict[tuple[str, str], Needed] = {}
    stack = list(names)
    while stack:
        owner, name = stack.pop()
        item = index.find_class(owner, name)
        if item is None:
            continue
        defined_in = index.module_of(item) or owner
        key = (defined_in, item["name"])
        if key in found:
            continue
        found[key] = _as_needed(defined_in, item, index)
        stack += [(defined_in, used) for used in item.get("uses", [])]
    for owner, name in compiled:  # custom loss/metric functions of the saving module
        if name in index.modules.get(owner, {}).get("functions", []):
            registered = name in index.modules[owner].get("registered_functions", [])
            found.setdefault((owner, name), Needed(name, owner, "function", registered, (), "keras"))
    return True, list(found.values())


def _as_needed(owner: str, item: dict, index) -> Needed:
    # A decorator imported from another module of the project may be its registering wrapper.
    registered = item["registered"] or any(index.registration_wrapper(name) for name in item.get("decorators", []))
    return Needed(item["name"], owner, item["kind"], registered, tuple(item["keys"]), item["library"])


@dataclass(frozen=True)
class Missing:
    """What a load call must add: custom objects (name, defining module) and modules to import."""

    custom_objects: tuple[tuple[str, str], ...]
    imports: tuple[tuple[str, str], ...]  # (module, registered key)

    def message(self) -> str:
        parts = []
        if self.custom_objects:
            keys = ", ".join(f'"{name}": {name}' for name, _ in self.custom_objects)
            modules = ", ".join(sorted({module for _, module in self.custom_objects}))
            parts.append(f"pass custom_objects={{{keys}}} (defined in {modules})")
        if self.imports:
            parts.append(", ".join(f"import {module} (registers '{key}')" for module, key in self.imports))
        return " and ".join(parts)

    def fix_data(self) -> tuple:
        return (("custom_objects", self.custom_objects), ("imports", tuple(module for module, _ in self.imports)))


def _missing(module: ModuleContext, index: ProjectIndex, entry: SaveLoadCall, needed: list[Needed]) -> Missing | None:
    """What the load call must add, or None when it finds everything."""
    compile_false = entry.keyword_is("compile", False)
    here = module.project.module if module.project else ""
    imported = index.imports_closure(here) | {here}
    custom_objects: set[tuple[str, str]] = set()
    imports: dict[str, str] = {}
    for item in needed:
        if compile_false and (item.kind in _COMPILE_ONLY or item.kind == "function"):
            continue
        major = module.facts.target.major_for(item.library)
        if not item.registered:
            if major == 2 and item.kind in _FOUND_BY_MODULE_IN_KERAS_2:
                continue
            custom_objects.add((item.name, item.module))
        elif item.module not in imported:
            imports.setdefault(item.module, item.keys[0] if item.keys else item.name)
    if not custom_objects and not imports:
        return None
    return Missing(tuple(sorted(custom_objects)), tuple(sorted(imports.items())))


RULES = [LoadWithoutCustomObjects()]
