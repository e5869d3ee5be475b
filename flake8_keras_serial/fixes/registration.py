"""Fixes for KS105 (register the class, spelled the way the file spells Keras) and
KS111 (call the bare `@register_keras_serializable`)."""

from __future__ import annotations

import libcst as cst

from ..keras_names import register_prefix
from ..rules.base import Finding
from .context import FixContext, class_library

# library -> the import to add when the file has no route to the decorator, and the prefix it gives.
_IMPORT_TO_ADD = {
    "keras": ("import keras", "keras.saving"),
    "tf.keras": ("import tensorflow as tf", "tf.keras.utils"),
    "tf_keras": ("import tf_keras", "tf_keras.saving"),
}


_IMPORTABLE = {"keras": "keras.saving", "tf.keras": "tensorflow.keras.utils", "tf_keras": "tf_keras.saving"}


class Register:
    def plan(self, context: FixContext, finding: Finding) -> str | None:
        class_node = context.node_at(finding.line, finding.col, cst.ClassDef)
        if class_node is None:
            return "could not find the class to change"
        found = class_library(context, class_node)
        if found is None:
            return "its Keras base class comes from another module: register it there or by hand"
        library, base_head = found
        import_statement, fallback = _IMPORT_TO_ADD[library]
        # The name the class's own base is spelled from comes first: `keras` in `keras.layers.Layer`.
        prefix = register_prefix(context.imports.items(), library, first=base_head)
        if prefix is None:
            bound = dict(context.imports.items())
            head = import_statement.split()[-1]  # `keras`, `tf`, `tf_keras`
            if head not in bound:
                context.require_import(import_statement)
                prefix = fallback
            elif "register_keras_serializable" not in bound:
                # `keras` already names something else here (`from tensorflow import keras`).
                context.require_import(f"from {_IMPORTABLE[library]} import register_keras_serializable")
                prefix = ""
            else:
                return "the names the decorator needs are taken in this file: register it by hand"
        function = f"{prefix}.register_keras_serializable" if prefix else "register_keras_serializable"
        decorator = cst.Decorator(cst.parse_expression(f'{function}(package="{context.package}")'))
        context.edit(class_node, lambda node: node.with_changes(decorators=[decorator, *node.decorators]))
        return None


class CallBareDecorator:
    """`@register_keras_serializable` -> `@register_keras_serializable()`: the same API,
    registered under the default package, as the author meant."""

    def plan(self, context: FixContext, finding: Finding) -> str | None:
        decorator = context.node_at(finding.line, finding.col, cst.Decorator)
        if decorator is None or isinstance(decorator.decorator, cst.Call):
            return "could not find the decorator to change"
        context.edit(decorator, lambda node: node.with_changes(decorator=cst.Call(func=node.decorator)))
        return None


FIXERS = {"KS105": Register(), "KS111": CallBareDecorator()}
