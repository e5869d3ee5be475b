"""KS109, KS110: a saved config whose keys the constructor cannot take back.

On load Keras calls `cls(**config)`. A keyword that `__init__` fixes in
`super().__init__(name="encoder", **kwargs)` arrives a second time through
`**kwargs` (KS109); a key that is no parameter of `__init__` reaches the base
`__init__`, which rejects it (KS110).

Measured with Keras 3.15.1 and tf_keras 2.21 (docs/rules/KS109.md, KS110.md).
"""

from __future__ import annotations

import ast
from typing import Iterator

from ..class_source import ClassSource, FunctionNode, Signature, calls_in, names_in
from ..keras_names import dotted_name
from .base import Finding, Rule, quoted

# The keys the base get_config() of each kind holds, per Keras major (measured).
# A Keras 2 subclassed Model's get_config() holds only its constructor arguments.
BASE_CONFIG = {
    ("layer", 3): ("name", "trainable", "dtype"),
    ("layer", 2): ("name", "trainable", "dtype"),
    ("model", 3): ("name", "trainable", "dtype"),
    ("model", 2): (),
    ("loss", 3): ("name", "reduction"),
    ("loss", 2): ("reduction", "name"),
    ("metric", 3): ("name", "dtype"),
    ("metric", 2): ("name", "dtype"),
}

# The keywords the base __init__ takes through `super().__init__(**kwargs)` (measured;
# for losses and Keras 3 metrics: their signature, which has no **kwargs).
BASE_ACCEPTS = {
    ("layer", 3): {"name", "trainable", "dtype", "autocast", "activity_regularizer", "input_shape", "input_dim"},
    ("model", 3): {"name", "trainable", "dtype", "autocast", "activity_regularizer", "input_shape", "input_dim"},
    ("layer", 2): {
        "name", "trainable", "dtype", "autocast", "activity_regularizer", "input_shape", "batch_input_shape",
        "batch_size", "input_dim", "weights", "dynamic", "implementation",
    },
    ("model", 2): {"name", "trainable", "dtype", "autocast", "dynamic"},
    ("loss", 3): {"name", "reduction", "dtype"},
    ("loss", 2): {"reduction", "name"},
    ("metric", 3): {"name", "dtype"},
}

_REJECTION = {
    ("layer", 3): "ValueError: Unrecognized keyword arguments passed to {cls}",
    ("model", 3): "ValueError: Unrecognized keyword arguments passed to {cls}",
    ("layer", 2): "TypeError: ('Keyword argument not understood:', '{key}')",
    ("model", 2): "TypeError: ('Keyword argument not understood:', '{key}')",
}


def base_config_keys(source: ClassSource) -> tuple[str, ...]:
    return BASE_CONFIG.get((source.keras_class.kind, source.major), ())


def super_init_calls(init: FunctionNode) -> list[ast.Call]:
    """`super().__init__(...)`, `super(Cls, self).__init__(...)`, `Base.__init__(self, ...)`."""
    found = []
    for call in calls_in(init):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "__init__":
            receiver = func.value
            if isinstance(receiver, ast.Call) and dotted_name(receiver.func) == "super" or call.args:
                found.append(call)
    return found


def _passes_kwargs(call: ast.Call, kwargs: str) -> bool:
    return any(
        keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id == kwargs
        for keyword in call.keywords
    )


def _string_constants(node: ast.AST) -> set[str]:
    return {
        child.value for child in ast.walk(node) if isinstance(child, ast.Constant) and isinstance(child.value, str)
    }


def _keys_removed(function: FunctionNode, holder: str | None) -> set[str] | None:
    """Keys `holder.pop("k")` / `del holder["k"]` remove in `function`; None when `holder` is
    reassigned or changed in a way not read here (then nothing is claimed about it)."""
    removed: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and (holder is None or receiver.id == holder):
                if node.func.attr in ("pop", "setdefault"):
                    removed |= _string_constants(node.args[0]) if node.args else set()
                elif node.func.attr in ("clear", "popitem") and holder is not None:
                    return None
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Subscript):
                    removed |= _string_constants(target.slice)
        elif holder is not None and isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(target, ast.Name) and target.id == holder for target in targets):
                return None
    return removed


def _init_readable(source: ClassSource) -> tuple[FunctionNode, Signature] | None:
    """The class's own __init__ and its signature, when nothing hides what it takes."""
    init = source.methods.get("__init__")
    if init is None or init.decorator_list:
        return None
    signature = Signature.of(init)
    if signature.var_positional is not None:
        return None
    return init, signature


class FixedKeywordAlsoInConfig(Rule):
    """KS109: `super().__init__(name="encoder", **kwargs)` while the config carries `name`."""

    code = "KS109"
    needs_own_config = True
    kinds = frozenset({"layer", "model", "loss", "metric"})

    def check(self, source: ClassSource) -> Iterator[Finding]:
        readable = _init_readable(source)
        get_config, _ = source.find_method("get_config")
        if readable is None or get_config is None or source.has_method("from_config"):
            return
        init, signature = readable
        kwargs = signature.var_keyword
        if kwargs is None:
            return
        summary = source.config_summary(get_config)
        saved = set(summary.keys)
        if summary.calls_super:
            saved |= set(base_config_keys(source))
        saved -= _keys_removed(get_config, None) or set()
        removed = _keys_removed(init, kwargs)
        if removed is None:
            return
        for call in super_init_calls(init):
            if not _passes_kwargs(call, kwargs):
                continue
            for keyword in call.keywords:
                key = keyword.arg
                if key is None or key not in saved or key in removed or signature.by_name(key) is not None:
                    continue
                yield self.finding(
                    (call.lineno, call.col_offset),
                    f"{source.name}.__init__ fixes {key}= in super().__init__() while get_config() saves "
                    f"'{key}' too: on load it arrives again through **{kwargs} and fails with TypeError: got "
                    f"multiple values for keyword argument '{key}'; make it a parameter ({key}=... in the "
                    f"signature, passed on) or use {kwargs}.setdefault(\"{key}\", ...)",
                )
                break  # one finding per call


class GetConfigKeyNotAccepted(Rule):
    """KS110: get_config() returns a literal key that __init__ cannot take."""

    code = "KS110"
    needs_own_config = True
    kinds = frozenset({"layer", "model", "loss", "metric", "constraint"})

    def check(self, source: ClassSource) -> Iterator[Finding]:
        get_config = source.methods.get("get_config")
        readable = _init_readable(source)
        if get_config is None or readable is None or source.has_method("from_config"):
            return
        if source.inherits("__init__") and source.methods.get("__init__") is None:
            return
        _, signature = readable
        summary = source.config_summary(get_config)
        removed = _keys_removed(get_config, None) or set()
        kind = (source.keras_class.kind, source.major)
        kwargs = signature.var_keyword
        if kwargs is not None:
            accepted = self._accepted_through_kwargs(source, kwargs, kind)
            if accepted is None:
                return
        else:
            accepted = set()
            if summary.calls_super:
                accepted = set(base_config_keys(source))  # KS104's finding, not this one
        rejected = [
            key for key in summary.keys
            if key not in removed and key not in accepted and signature.by_name(key) is None
        ]
        if not rejected:
            return
        key = rejected[0]
        if kwargs is None:
            error = f"TypeError: {source.name}.__init__() got an unexpected keyword argument '{key}'"
            how = f"add '{key}' as a parameter of __init__ or drop it from the config"
        else:
            error = _REJECTION.get(kind, "TypeError: unexpected keyword argument '{key}'").format(
                cls=source.name, key=key
            )
            how = f"add '{key}' as a parameter of __init__, drop it from the config, or pop it in from_config()"
        yield self.finding(
            (get_config.lineno, get_config.col_offset),
            f"{source.name}.get_config() returns {quoted(rejected)}, which __init__ does not take: load fails with "
            f"{error}; {how}",
        )

    @staticmethod
    def _accepted_through_kwargs(source: ClassSource, kwargs: str, kind: tuple[str, int]) -> set[str] | None:
        """The keys `**kwargs` takes, when its only use is being passed whole to
        super().__init__() of a Keras base whose keywords were measured; else None."""
        init = source.methods["__init__"]
        if kind not in BASE_ACCEPTS or source.parent is not None or source.inherits("__init__"):
            return None  # the __init__ it reaches is another custom class's
        forwarded = [call for call in super_init_calls(init) if _passes_kwargs(call, kwargs)]
        if not forwarded or sum(1 for name in names_in(init) if name == kwargs) != len(forwarded):
            return None
        accepted = set(BASE_ACCEPTS[kind])
        for call in forwarded:  # a key also fixed in the call is KS109's finding
            accepted |= {keyword.arg for keyword in call.keywords if keyword.arg is not None}
        return accepted


RULES = [FixedKeywordAlsoInConfig(), GetConfigKeyNotAccepted()]
