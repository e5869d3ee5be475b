"""Fix for KS301: give load_model() the custom objects (or imports) the index says it needs.

The imports it adds run those modules when the loading file runs. So it never
imports a module (or, through it, another module of the project) that does work
at import time: a training script imported by the loader would train and save
again, overwriting the model the loader is about to load. Such a finding is
left unfixed, with a message saying to move the classes into a module of their own.
"""

from __future__ import annotations

import libcst as cst

from pathlib import Path

from ..rules.base import Finding
from .context import FixContext
from .import_work import import_work


class PassCustomObjects:
    def plan(self, context: FixContext, finding: Finding) -> str | None:
        call = context.node_at(finding.line, finding.col, cst.Call)
        data = dict(finding.fix_data)
        if call is None or not data:
            return "could not find the load_model() call"
        objects = data.get("custom_objects", ())
        names = [name for name, _ in objects]
        if len(set(names)) < len(names):
            twice = sorted({name for name in names if names.count(name) > 1})
            return f"several modules define a custom object named {', '.join(twice)}: choose one by hand"
        # A closure's key is the inner function's name; its value, a call of the factory that made it.
        made = {key: (factory, arguments) for key, factory, arguments in data.get("factories", ())}
        unknown = sorted(f"{made[name][0]}()" for name in names if name in made and made[name][1] == "...")
        if unknown:
            return (
                f"the arguments compile() gives {', '.join(unknown)} are not literals: "
                "write the factory call with the training arguments by hand"
            )
        defined_here = {
            node.name.value for node in context.module.body if isinstance(node, (cst.ClassDef, cst.FunctionDef))
        }
        bound = {local for local, _ in context.imports.items()} | defined_here
        imported = list(dict.fromkeys((made[name][0] if name in made else name, module) for name, module in objects))
        here = context.module_name
        from_imports = [(name, module) for name, module in imported if name not in bound and module != here]
        plain_imports = list(data.get("imports", ()))
        moved = [name for name, _ in imported]
        refusal = _working_import(context, [module for _, module in from_imports] + plain_imports, moved)
        if refusal is not None:
            return refusal
        for name, module in from_imports:
            context.require_import(f"from {module} import {name}")
        for module in plain_imports:
            context.require_import(f"import {module}")
        if objects:
            values = [f"{made[name][0]}({made[name][1]})" if name in made else name for name, _ in objects]
            mapping = cst.parse_expression(
                "{" + ", ".join(f'"{name}": {value}' for (name, _), value in zip(objects, values)) + "}"
            )
            no_space = cst.SimpleWhitespace("")
            argument = cst.Arg(
                mapping,
                keyword=cst.Name("custom_objects"),
                equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
            )
            context.edit(call, lambda node: _with_argument(node, argument))
        return None


def _working_import(context: FixContext, modules: list[str], names: list[str]) -> str | None:
    """Why the fix must not import `modules`: one of them (or a project module it imports)
    does work at import time. None when every import only defines things."""
    if not modules:
        return None
    index = context.project.disk_index() if context.project is not None else None
    if index is None:
        return "cannot read the project to tell whether importing " + ", ".join(modules) + " is safe"
    here = context.module_name
    already = index.imports_closure(here) | {here}  # importing those again adds no work
    for module in dict.fromkeys(modules):
        if module in already:
            continue
        for imported in _modules_run_by_importing(index, module):
            if imported in already or imported not in index.paths:
                continue
            relative = index.paths[imported]
            working = import_work(Path(index.root) / relative)
            if working is None:
                continue
            line, statement = working
            runs = "" if imported == module else f" (which imports {imported})"
            classes, them = (names[0], "it") if len(names) == 1 else (", ".join(names) or "the custom objects", "them")
            return (
                f"importing {module}{runs} would run its top-level code ({relative}:{line}: {statement}) "
                f"whenever this file runs; move {classes} into a module that only defines {them}"
                " and import it from there"
            )
    return None


def _modules_run_by_importing(index, module: str) -> list[str]:
    """`module`, its parent packages, and the project modules they import, directly or not."""
    found: list[str] = []
    for name in [module, *index.imports_closure(module)]:
        parts = name.split(".")
        for end in range(1, len(parts) + 1):
            package = ".".join(parts[:end])
            if package not in found:
                found.append(package)
    return found


def _with_argument(call: cst.Call, argument: cst.Arg) -> cst.Call:
    args = list(call.args)
    if args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, argument])


FIXERS = {"KS301": PassCustomObjects()}
