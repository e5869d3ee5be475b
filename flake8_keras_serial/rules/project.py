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
            index = module.index
            if index is None:
                return
            linked, needed = _needed(module, index, entry)
            message = _missing(module, index, entry, needed)
            if message:
                what = f"of '{entry.path.known_end}' " if entry.path.known_end else ""
                source = "the model saved there" if linked else "this project's custom objects"
                yield self.finding(entry.position, f"load_model() {what}cannot find {source}: {message}")


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
        return False, [_as_needed(owner, item) for owner, item in index.classes()]
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
        found[key] = _as_needed(defined_in, item)
        stack += [(defined_in, used) for used in item.get("uses", [])]
    for owner, name in compiled:  # custom loss/metric functions of the saving module
        if name in index.modules.get(owner, {}).get("functions", []):
            registered = name in index.modules[owner].get("registered_functions", [])
            found.setdefault((owner, name), Needed(name, owner, "function", registered, (), "keras"))
    return True, list(found.values())


def _as_needed(owner: str, item: dict) -> Needed:
    return Needed(item["name"], owner, item["kind"], item["registered"], tuple(item["keys"]), item["library"])


def _missing(module: ModuleContext, index: ProjectIndex, entry: SaveLoadCall, needed: list[Needed]) -> str | None:
    """What the load call must add, or None when it finds everything."""
    compile_false = entry.keyword_is("compile", False)
    here = module.project.module if module.project else ""
    imported = index.imports_closure(here) | {here}
    keys: list[str] = []
    defined_in: set[str] = set()
    imports: list[str] = []
    for item in needed:
        if compile_false and (item.kind in _COMPILE_ONLY or item.kind == "function"):
            continue
        major = module.facts.target.major_for(item.library)
        if not item.registered:
            if major == 2 and item.kind in _FOUND_BY_MODULE_IN_KERAS_2:
                continue
            keys.append(f'"{item.name}": {item.name}')
            defined_in.add(item.module)
        elif item.module not in imported:
            registered_as = item.keys[0] if item.keys else item.name
            imports.append(f"import {item.module} (registers '{registered_as}')")
    if not keys and not imports:
        return None
    parts = []
    if keys:
        parts.append(
            f"pass custom_objects={{{', '.join(sorted(set(keys)))}}} (defined in {', '.join(sorted(defined_in))})"
        )
    if imports:
        parts.append(", ".join(sorted(set(imports))))
    return " and ".join(parts)


RULES = [LoadWithoutCustomObjects()]
