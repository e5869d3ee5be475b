"""Fix for KS301: give load_model() the custom objects (or imports) the index says it needs.

The imports it adds run those modules when the loading file runs: keep custom
classes in a library module, not in the training script.
"""

from __future__ import annotations

import libcst as cst

from ..rules.base import Finding
from .context import FixContext


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
        defined_here = {
            node.name.value for node in context.module.body if isinstance(node, (cst.ClassDef, cst.FunctionDef))
        }
        bound = {local for local, _ in context.imports.items()} | defined_here
        for name, module in objects:
            if name not in bound and module != context.module_name:
                context.require_import(f"from {module} import {name}")
        for module in data.get("imports", ()):
            context.require_import(f"import {module}")
        if objects:
            mapping = cst.parse_expression("{" + ", ".join(f'"{name}": {name}' for name, _ in objects) + "}")
            no_space = cst.SimpleWhitespace("")
            argument = cst.Arg(
                mapping,
                keyword=cst.Name("custom_objects"),
                equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
            )
            context.edit(call, lambda node: _with_argument(node, argument))
        return None


def _with_argument(call: cst.Call, argument: cst.Arg) -> cst.Call:
    args = list(call.args)
    if args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, argument])


FIXERS = {"KS301": PassCustomObjects()}
