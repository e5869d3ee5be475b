"""What one module says, for the project index: its imports and, for a Keras
file, its custom classes, registered functions and saves. A summary is plain
JSON, so that it can be cached on disk; `valid_summary` decides whether one
read back from the cache has exactly the shapes the rules read."""

from __future__ import annotations

import ast

from .class_source import FunctionNode
from .config_method import summarize_get_config
from .deserializers import deserializing_functions
from .keras_names import ImportMap, api_named, dotted_name, split_keras_name
from .keras_reexports import export_summary, valid_export_summary
from .model_io import mentions_model_io, model_io, valid_model_io
from .module_facts import ModuleFacts, collect_module_facts, mentions_keras
from .owners import built_name, built_outside_classes, is_functional_style, names_built_in, serialized_builds
from .saveload_calls import CHECKPOINT, SAVE, TO_JSON, find_save_load_calls


def summarize(
    tree: ast.Module, lines: list[str], project_major: int, context: str, facts: ModuleFacts | None = None
) -> dict:
    """A JSON-able summary of one module: its imports and, for Keras files,
    its custom classes, registered functions and saves."""
    imports = _imported_modules(tree, context)
    if not mentions_keras(lines):
        if not mentions_model_io(lines):
            return {"imports": imports}
        # `model.save_weights(...)` of a model built from the project's classes (model_io.py).
        return {"imports": imports, "model_io": model_io(collect_module_facts(tree, project_major, module=context))}
    if facts is None:
        facts = collect_module_facts(tree, project_major, module=context)
    module = context[: -len(".__init__")] if context.endswith(".__init__") else context
    all_classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    local_names = {node.name for node in all_classes}
    classes = []
    for keras_class in facts.classes:
        classes.append(
            {
                "name": keras_class.name,
                "kind": keras_class.kind,
                "library": keras_class.library,
                "generic": keras_class.generic,
                "keys": [key for item in keras_class.registrations if (key := item.key(keras_class.name))],
                "registered": bool(keras_class.registrations or keras_class.in_legacy_registry),
                "digest": keras_class.source_digest,
                "decorators": sorted(
                    name for decorator in keras_class.node.decorator_list if (name := _decorator(decorator, facts))
                ),
                **_builds(keras_class.node),
                **_inheritance(keras_class.node, facts, module, local_names),
                "line": keras_class.node.lineno,
            }
        )
    # Classes whose Keras base, if any, is in another module: the index decides.
    unresolved = [
        {"name": node.name, **inheritance, **_builds(node)}
        for node in all_classes
        if facts.class_named(node.name) is None
        and (inheritance := _inheritance(node, facts, module, local_names))["bases"]
    ]
    return {
        "imports": imports,
        "classes": classes,
        "other_classes": unresolved,
        "functions": sorted(name for name in facts.functions if _is_top_level(tree, name)),
        # Helpers that turn a config dict back into an object (KS106: `__init__` may call them).
        "deserializers": sorted(deserializing_functions(tree, facts.imports)),
        "registered_functions": sorted(facts.registered_functions),
        "factories": _factories(tree),
        "compiled_calls": _compiled_calls(facts),
        "built_outside_classes": sorted(built_outside_classes(facts, all_classes)),
        "registration_wrappers": {
            name: f"{api.library}.{api.path}" for name, api in sorted(facts.registration_wrappers.items())
        },
        "saves": _saves(facts),
        "model_io": model_io(facts),
        "aliases": _project_aliases(facts),
        **export_summary(facts.imports, facts),  # Keras names the module re-exports (keras_reexports.py)
    }


# The methods of a base class that the rules need to know exist.
_INHERITED_METHODS = ("get_config", "from_config")


def _inheritance(node: ast.ClassDef, facts: ModuleFacts, module: str, local_names: set[str]) -> dict:
    """Its bases, qualified (`pkg.mod.Base`, and `<this module>.Base` for a class of the file),
    and which of get_config/from_config it defines itself."""
    bases = []
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in local_names:
            bases.append(f"{module}.{base.id}")
        elif qualified := facts.imports.qualify(base):
            bases.append(qualified)
    defined = {item.name: item for item in node.body if isinstance(item, FunctionNode)}
    return {
        "bases": bases,
        "methods": [name for name in _INHERITED_METHODS if name in defined],
        "own_config_keys": _own_config_keys(defined.get("get_config")),
    }


# The keys a Keras base config holds (rules/config_keys.BASE_CONFIG), of every kind.
_BASE_KEYS = ("name", "trainable", "dtype", "reduction")


def _own_config_keys(get_config: FunctionNode | None) -> list[str] | None:
    """For a get_config() that does not call super(), the base keys it writes itself ([] when it
    cannot be read); None when there is none or it builds on super() (KS104 of a subclass elsewhere)."""
    if get_config is None:
        return None
    summary = summarize_get_config(get_config)
    if summary.calls_super:
        return None
    return [key for key in _BASE_KEYS if key in summary.keys] if summary.complete else []


def _builds(node: ast.ClassDef) -> dict:
    """What the class builds (`Block` for `Block(4)`), which of those its get_config may serialize,
    and whether its constructor is functional-style (it calls what it builds on symbolic inputs)."""
    uses = names_built_in(node)
    return {
        "uses": sorted(uses), "serializes": sorted(serialized_builds(node) & uses),
        "functional": is_functional_style(node),
    }


def _decorator(node: ast.AST, facts: ModuleFacts) -> str | None:
    """The imported name a class decorator calls: `@lib_export(...)` -> `lib.api_export.lib_export`."""
    return facts.imports.qualify(node.func if isinstance(node, ast.Call) else node)


def _is_top_level(tree: ast.Module, name: str) -> bool:
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name for node in tree.body)


def _imported_modules(tree: ast.Module, context: str) -> list[str]:
    resolver = ImportMap(context)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (module := resolver.absolute_module(node)):
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return sorted(name for name in found if split_keras_name(name) is None)


def _project_aliases(facts: ModuleFacts) -> dict[str, str]:
    """Local names bound by imports that are not Keras's (candidates for project classes)."""
    return {
        local: target
        for local, target in facts.imports.items()
        if split_keras_name(target) is None and not target.startswith(("tensorflow", "numpy"))
    }


def _saves(facts: ModuleFacts) -> list[dict]:
    """Every model save with a known path (kind "file") and every `to_json()` (kind "json", no path,
    no compile settings), with what the saved config names: the custom names the file instantiates,
    the functions given to Keras layers (`activation=scaled_tanh`), and, for a file, the functions
    and bound methods (`SSDLoss(...).compute_loss`) handed to compile()."""
    saves = []
    found = find_save_load_calls(facts)
    if not any(entry.kind in (SAVE, CHECKPOINT, TO_JSON) for entry in found):
        return saves
    contents = saved_contents(facts)
    used, compiled, methods, functions = (contents[key] for key in ("uses", "compiled", "methods", "functions"))
    for entry in found:
        if entry.kind in (SAVE, CHECKPOINT) and entry.path.known_end:
            saves.append(
                {"path": entry.path.known_end, "kind": "file", "line": entry.call.lineno, "uses": used,
                 "compiled": compiled, "methods": methods, "functions": functions}
            )
        elif entry.kind == TO_JSON:
            saves.append(
                {"path": "", "kind": "json", "line": entry.call.lineno, "uses": used,
                 "compiled": [], "methods": [], "functions": functions}
            )
    return saves


# Layer arguments that take a function, which the layer's config then names.
_FUNCTION_ARGUMENTS = ("activation", "recurrent_activation", "initializer", "regularizer", "constraint")


def saved_contents(facts: ModuleFacts) -> dict[str, list[str]]:
    """What a model saved by this file names in its config, as far as the file shows: the custom
    names it instantiates ("uses"), the functions and methods given to compile(), and the functions
    given to Keras layers. One answer for every save of the file."""
    return {
        "uses": sorted(names_built_in(facts.tree)) if facts.tree is not None else [],
        "compiled": sorted(_compiled_names(facts)),
        "methods": sorted(_compiled_methods(facts)),
        "functions": sorted(_layer_functions(facts)),
    }


def _takes_function(argument: str) -> bool:
    return argument in _FUNCTION_ARGUMENTS or argument.endswith(("_initializer", "_regularizer", "_constraint"))


def _layer_functions(facts: ModuleFacts) -> set[str]:
    """Names (as spelled: `scaled_tanh`, `acts.scaled_tanh`) given to a Keras layer as a function:
    `Dense(16, activation=scaled_tanh)`, `kernel_regularizer=l1_penalty`, `Activation(fn)`. Which
    of them are functions of the project, the index decides."""
    found = set()
    for call in facts.calls:
        keras_name = facts.imports.keras_name(call.func)
        if keras_name is None:
            continue
        values = [item.value for item in call.keywords if item.arg and _takes_function(item.arg)]
        if api_named(keras_name, "Activation") and call.args:
            values.append(call.args[0])
        for value in values:
            name = dotted_name(value)
            if name and split_keras_name(facts.imports.qualify_dotted(name)) is None:
                found.add(name)
    return found


def _compiled_methods(facts: ModuleFacts) -> set[str]:
    """`SSDLoss.compute_loss` for `compile(loss=SSDLoss(...).compute_loss)` or for `loss=ssd.compute_loss`
    after `ssd = SSDLoss(...)`: a bound method of an object of a class that is not Keras's."""
    found = set()
    for value in _compile_values(facts):
        for node in ast.walk(value):
            if not isinstance(node, ast.Attribute):
                continue
            owner = node.value
            if isinstance(owner, ast.Name):
                assigned = facts.assignments.get(owner.id, [])
                owner = assigned[0] if len(assigned) == 1 else None
            if (
                isinstance(owner, ast.Call)
                and (name := built_name(owner))
                and facts.imports.keras_name(owner.func) is None
                and facts.class_named(name) is None
            ):
                found.add(f"{name}.{node.attr}")
    return found


def _compile_values(facts: ModuleFacts) -> list[ast.expr]:
    """The loss and metrics arguments of every compile() call."""
    values = []
    for call in facts.calls:
        if isinstance(call.func, ast.Attribute) and call.func.attr == "compile":
            values += [*call.args[1:3], *(item.value for item in call.keywords)]
    return values


def _factories(tree: ast.Module) -> dict[str, str]:
    """`{"focal_loss": "focal_loss_fixed"}` for a top-level function that defines a nested function
    and returns it: Keras saves the closure under the inner function's name."""
    found = {}
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        inner = {item.name for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
        returned = [
            item.value.id
            for item in node.body
            if isinstance(item, ast.Return) and isinstance(item.value, ast.Name) and item.value.id in inner
        ]
        if len(set(returned)) == 1:
            found[node.name] = returned[0]
    return found


def _compiled_calls(facts: ModuleFacts) -> dict[str, str]:
    """`{"focal_loss": "2.0"}` for `compile(loss=focal_loss(2.0))`: the arguments, as written, of each
    call (of a name that is not Keras's) handed to compile(); "..." when they are not all literals.
    The first call of a name counts."""
    found: dict[str, str] = {}
    for value in _compile_values(facts):
        for node in ast.walk(value):
            if not (isinstance(node, ast.Call) and (name := dotted_name(node.func))) or name in found:
                continue
            if split_keras_name(facts.imports.qualify_dotted(name)) is not None:
                continue
            found[name] = _literal_arguments(node)
    return found


def _literal_arguments(call: ast.Call) -> str:
    arguments = [*call.args, *(item.value for item in call.keywords)]
    try:
        for argument in arguments:
            ast.literal_eval(argument)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return "..."
    if any(item.arg is None for item in call.keywords):
        return "..."
    texts = [ast.unparse(item) for item in call.args]
    return ", ".join(texts + [f"{item.arg}={ast.unparse(item.value)}" for item in call.keywords])


def _compiled_names(facts: ModuleFacts) -> set[str]:
    """Names of functions and classes handed to compile(loss=..., metrics=...)."""
    found = set()
    for value in _compile_values(facts):
        for node in ast.walk(value):
            if isinstance(node, ast.Name) and (node.id in facts.functions or facts.class_named(node.id)):
                found.add(node.id)
            elif isinstance(node, ast.Name) and node.id in dict(facts.imports.items()):
                found.add(node.id)  # imported: a function of another module of the project, maybe
            elif isinstance(node, ast.Call) and (name := dotted_name(node.func)):
                found.add(name)
    return found


_STRINGS = ("imports", "functions", "deserializers", "registered_functions", "built_outside_classes")


def valid_summary(summary: object) -> bool:
    """A summary read from disk is used only if it has exactly the shapes the rules read."""
    if not isinstance(summary, dict) or not _strings(summary.get("imports")):
        return False
    if any(key in summary and not _strings(summary[key]) for key in _STRINGS):
        return False
    classes = summary.get("classes", [])
    others = summary.get("other_classes", [])
    saves = summary.get("saves", [])
    aliases = summary.get("aliases", {})
    wrappers = summary.get("registration_wrappers", {})
    return (
        isinstance(classes, list)
        and all(_valid_class(item) for item in classes)
        and isinstance(others, list)
        and all(
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and all(_strings(item.get(key)) for key in ("bases", "methods", "uses", "serializes"))
            and _strings_or_none(item.get("own_config_keys"))
            for item in others
        )
        and isinstance(saves, list)
        and all(
            isinstance(item, dict)
            and isinstance(item.get("path"), str)
            and _strings(item.get("uses"))
            and item.get("kind") in ("file", "json")
            and all(_strings(item.get(key)) for key in ("uses", "compiled", "methods", "functions"))
            for item in saves
        )
        and _string_map(aliases)
        and _string_map(summary.get("factories", {}))
        and _string_map(summary.get("compiled_calls", {}))
        and _string_map(wrappers)
        and ("model_io" not in summary or valid_model_io(summary["model_io"]))
        and valid_export_summary(summary)
    )


def _string_map(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(text, str) for key, text in value.items()
    )


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _strings_or_none(value: object) -> bool:
    return value is None or _strings(value)


def _valid_class(item: object) -> bool:
    return (
        isinstance(item, dict)
        and all(isinstance(item.get(key), str) for key in ("name", "kind", "library", "digest"))
        and isinstance(item.get("generic"), bool)
        and isinstance(item.get("registered"), bool)
        and _strings(item.get("keys"))
        and _strings(item.get("uses"))
        and _strings(item.get("decorators"))
        and _strings(item.get("serializes"))
        and _strings(item.get("bases"))
        and _strings(item.get("methods"))
        and _strings_or_none(item.get("own_config_keys"))
    )
