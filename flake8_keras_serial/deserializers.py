"""Calls that turn a serialized Keras object (a dict or a name) back into the object.

KS106 asks whether `__init__` passes a constructor argument through one: Keras's
own (`keras.activations.get`, `deserialize_keras_object`), or a function of the
project that calls one of those (qkeras's `get_quantizer`, keras-cv's
`parse_factor`). The project's functions are found per module, for the index.
"""

from __future__ import annotations

import ast

from .class_source import calls_in
from .keras_names import ImportMap, dotted_name


def _last_part(call: ast.Call) -> str:
    return (dotted_name(call.func) or "").rsplit(".", 1)[-1]


def names_deserializer(call: ast.Call) -> bool:
    """`...deserialize...(x)` or `....get(x)` (`activations.get`), as spelled: what __init__
    is trusted to call on an argument."""
    last = _last_part(call)
    return last == "get" or "deserialize" in last


def is_keras_deserializer(call: ast.Call, imports: ImportMap) -> bool:
    """A deserializing call inside a helper's body: `get` only when Keras's own (a helper's
    `dict.get` proves nothing)."""
    last = _last_part(call)
    if "deserialize" in last:
        return True
    return last == "get" and imports.keras_name(call.func) is not None


def deserializing_functions(tree: ast.Module, imports: ImportMap) -> set[str]:
    """Top-level functions of the module whose body calls a Keras deserializer."""
    return {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any(is_keras_deserializer(call, imports) for call in calls_in(node))
    }
