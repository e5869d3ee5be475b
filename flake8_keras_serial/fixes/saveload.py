"""Fixes for KS302, KS303, KS307: the arguments of save calls."""

from __future__ import annotations

import ast

import libcst as cst

from ..rules.base import Finding
from .context import FixContext

_H5 = (".h5", ".hdf5")


def _path_argument(call: cst.Call, position: int = 0, keyword: str = "filepath") -> cst.Arg | None:
    for argument in call.args:
        if argument.keyword is not None and argument.keyword.value == keyword:
            return argument
    positional = [argument for argument in call.args if argument.keyword is None and not argument.star]
    return positional[position] if len(positional) > position else None


def _literal(argument: cst.Arg | None) -> str | None:
    if argument is None or not isinstance(argument.value, cst.SimpleString):
        return None
    value = ast.literal_eval(argument.value.value)
    return value if isinstance(value, str) else None


def _without_keyword(call: cst.Call, keyword: str) -> cst.Call:
    args = [arg for arg in call.args if not (arg.keyword is not None and arg.keyword.value == keyword)]
    if args and len(args) < len(call.args):
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return call.with_changes(args=args)


def _rewrite_path(context: FixContext, call: cst.Call, argument: cst.Arg, old: str, new: str) -> None:
    """Change the literal path of this call, and of the loads of the same literal in the file;
    the rename is also recorded, for the loads in the other files being fixed."""
    context.renames[old] = new
    context.edit(argument, lambda node: node.with_changes(value=_same_quotes(node.value, new)))
    for node in context.positions:
        if isinstance(node, cst.Call) and node is not call and _is_load(node):
            loaded = _path_argument(node)
            if _literal(loaded) == old:
                context.edit(loaded, lambda node: node.with_changes(value=_same_quotes(node.value, new)))


def _same_quotes(string: cst.SimpleString, new: str) -> cst.SimpleString:
    token = string.value
    prefix = token[: len(token) - len(token.lstrip("rbuRBU"))]
    quote = token[len(prefix)]
    if "\\" in new or quote in new or token[len(prefix) :].startswith(quote * 3):
        return cst.SimpleString(repr(new))
    return cst.SimpleString(f"{prefix}{quote}{new}{quote}")  # keep the file's quotes


def rename_loads(source: str, renames: dict[str, str]) -> str:
    """Point `load_model(...)`/`load_weights(...)` of a renamed literal path at its new name
    (the save that was renamed is in another file of the same run)."""
    if not renames or not any(old in source for old in renames):
        return source
    module = cst.parse_module(source)

    class RenameLoads(cst.CSTTransformer):
        def leave_Call(self, original_node, updated_node):
            if not _is_load(updated_node):
                return updated_node
            argument = _path_argument(updated_node)
            old = _literal(argument)
            if old not in renames:
                return updated_node
            renamed = argument.with_changes(value=_same_quotes(argument.value, renames[old]))
            return updated_node.with_changes(
                args=[renamed if item is argument else item for item in updated_node.args]
            )

    return module.visit(RenameLoads()).code


def _is_load(call: cst.Call) -> bool:
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return name in ("load_model", "load_weights")


def _call(context: FixContext, finding: Finding) -> cst.Call | None:
    return context.node_at(finding.line, finding.col, cst.Call)


def _save_path(call: cst.Call) -> cst.Arg | None:
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value in ("save", "save_weights"):
        return _path_argument(call, 0)
    return _path_argument(call, 1)  # keras.models.save_model(model, path)


class SaveToKeras:
    """KS302: `.h5` -> `.keras` for a subclassed model (and drop save_format="h5")."""

    def plan(self, context: FixContext, finding: Finding) -> str | None:
        call = _call(context, finding)
        argument = _save_path(call) if call is not None else None
        path = _literal(argument)
        if path is None:
            return "the path is not a string literal: change it by hand to end in .keras"
        if path.lower().endswith(_H5):
            _rewrite_path(context, call, argument, path, path.rsplit(".", 1)[0] + ".keras")
        elif "." not in path.rsplit("/", 1)[-1]:
            _rewrite_path(context, call, argument, path, path + ".keras")
        context.edit(call, lambda node: _without_keyword(node, "save_format"))
        return None


class DropCustomObjects:
    """KS303: save() takes no custom_objects."""

    def plan(self, context: FixContext, finding: Finding) -> str | None:
        call = _call(context, finding)
        if call is None:
            return "could not find the save() call"
        context.edit(call, lambda node: _without_keyword(node, "custom_objects"))
        return None


class Keras3Path:
    """KS307: a literal path Keras 3 accepts. Never touches the forms of newer Keras 3 minors
    (Hub paths, zipped=False, sharded weights, Orbax folders): they are valid where they are
    supported, and no other path means the same."""

    def plan(self, context: FixContext, finding: Finding) -> str | None:
        call = _call(context, finding)
        if call is None:
            return "could not find the call"
        func = call.func
        name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if "needs Keras >=" in finding.message:
            return "the call needs a newer Keras 3: upgrade Keras; no automatic fix"
        if name in ("load_model", "load_weights") or "tf.saved_model" in finding.message:
            return "loading a SavedModel folder needs keras.layers.TFSMLayer or a re-export: no automatic fix"
        if _has_keyword(call, "zipped"):
            return "an unzipped save is a folder: drop zipped=False or the .keras by hand"
        argument = _path_argument(call, 0) if name != "save_model" else _path_argument(call, 1)
        path = _literal(argument)
        if path is None:
            return "the path is not a string literal: change it by hand"
        if path.startswith("hf://"):
            return "a Hugging Face Hub path: no automatic fix"
        new = _keras3_path(path, name, finding)
        if new != path:
            _rewrite_path(context, call, argument, path, new)
        context.edit(call, lambda node: _without_keyword(node, "save_format"))
        return None


def _keras3_path(path: str, name: str, finding: Finding) -> str:
    """The path Keras 3 accepts for this call: `.weights.json` for sharded weights,
    `.weights.h5` for weights, `.keras` for models (replacing the extension it had)."""
    if "max_shard_size" in finding.message:
        return _replace_extension(path, (".weights.h5", ".weights.json", ".h5", ".json"), ".weights.json")
    if name == "save_weights" or "save_weights_only=True" in finding.message:
        return _replace_extension(path, (".weights.json", ".h5", ".json"), ".weights.h5")
    last = path.rsplit("/", 1)[-1]
    return path.rsplit(".", 1)[0] + ".keras" if "." in last else path + ".keras"


def _replace_extension(path: str, old: tuple[str, ...], new: str) -> str:
    for extension in old:
        if path.endswith(extension):
            return path[: -len(extension)] + new
    return path + new


def _has_keyword(call: cst.Call, keyword: str) -> bool:
    return any(argument.keyword is not None and argument.keyword.value == keyword for argument in call.args)


FIXERS = {"KS302": SaveToKeras(), "KS303": DropCustomObjects(), "KS307": Keras3Path()}
