"""KS201-KS204: is the state of a layer where saving looks for it?

Saving writes the variables Keras tracks and the config; it does not write
untracked variables, Python attributes, or layers made on the fly in call().
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

import ast

from ..class_source import ClassSource, FunctionNode, Signature, calls_in, method_self, self_attribute
from ..keras_names import dotted_name, is_keras_variable, is_layer_constructor, is_tf_variable, split_keras_name
from ..messages import name_few
from ..build_facts import build_reach, has_weights, layer_made_by, weighted_sublayers
from ..owners import calls_functional_init
from ..saveload_calls import SAVE, SAVE_WEIGHTS, TF_SAVED_MODEL
from .base import LAYERS_AND_MODELS, Finding, ModuleContext, Rule

_ADD_WEIGHT_METHODS = ("add_weight", "add_variable")


def _variable_call(source: ClassSource, call: ast.Call, self_name: str) -> str | None:
    """"self.add_weight", "tf.Variable" or "keras.Variable" if the call makes a weight."""
    if (method := self_attribute(call.func, self_name)) in _ADD_WEIGHT_METHODS:
        return f"{self_name}.{method}"
    dotted = dotted_name(call.func)
    qualified = source.facts.imports.qualify_dotted(dotted)
    if is_tf_variable(qualified):
        return "tf.Variable"
    keras_name = split_keras_name(qualified)
    if keras_name is not None and is_keras_variable(keras_name):
        return "keras.Variable"
    return None


def _has_no_name(call: ast.Call) -> bool:
    """`self.add_weight(shape=...)` with no `name=` (Keras 2: the first positional argument is the
    name) and no `**kwargs` that could hold one."""
    return not call.args and all(keyword.arg not in ("name", None) for keyword in call.keywords)


def _keras2_folder_save(module: ModuleContext) -> str | None:
    """How the file's first Keras 2 save to a SavedModel folder or a TF checkpoint is written
    (`model.save("export")`, `save_format="tf"`, `tf.saved_model.save`, `save_weights("ckpt")`)."""
    for entry in module.save_load_calls:
        if entry.kind not in (SAVE, SAVE_WEIGHTS, TF_SAVED_MODEL):
            continue
        if entry.kind != TF_SAVED_MODEL and module.major_of_call(entry) != 2:
            continue
        folder = entry.save_format() == "tf" or (entry.path.has_extension() is False and entry.save_format() is None)
        if entry.kind == TF_SAVED_MODEL or folder:
            what = "a TF checkpoint" if entry.kind == SAVE_WEIGHTS else "a SavedModel folder"
            return f"{what} (line {entry.call.lineno})"
    return None


def _unnamed_message(class_name: str, made: str, folder: str) -> str:
    return (
        f"{class_name} creates a weight with {made}() and no name=: saving to {folder}, Keras 2 fails at "
        f"save with AttributeError: 'NoneType' object has no attribute 'replace'; pass name=\"...\" (build() "
        f"alone does not help)"
    )


def _statements_with_calls(source: ClassSource, method: FunctionNode):
    for statement in source.statements(method):
        yield statement, list(calls_in(statement))


class WeightInInit(Rule):
    """Advice, except under Keras 2 for an add_weight() with no name in a file that saves to a
    SavedModel folder or a TF checkpoint: tf_keras 2.21 raises at save (AttributeError: 'NoneType'
    object has no attribute 'replace'), in __init__ and in build() alike; .keras and .h5 save and
    load it (measured)."""

    code = "KS201"
    kinds = LAYERS_AND_MODELS

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        folder = _keras2_folder_save(module)
        for finding in super().check_module(module):
            if folder is not None and finding.code == self.code and finding.fix_data[:1] == ("unnamed",):
                finding = replace(finding, message=_unnamed_message(finding.fix_data[1], finding.fix_data[2], folder))
            yield finding

    def check(self, source: ClassSource) -> Iterator[Finding]:
        init = source.methods.get("__init__")
        if init is None:
            return
        self_name = method_self(init)
        for statement, calls in _statements_with_calls(source, init):
            made_by = next(
                ((call, found) for call in calls if (found := _variable_call(source, call, self_name))), None
            )
            if made_by is None:
                continue
            call, made = made_by
            if made == "tf.Variable" and source.major == 3:
                continue  # not saved at all, wherever it is made: KS202's finding, on the same line
            unnamed = source.major == 2 and made in (f"{self_name}.add_weight", f"{self_name}.add_variable")
            yield self.finding(
                _statement_position(statement),
                f"{source.name} creates a weight with {made}() in __init__: it is made before the input "
                f"shape is known; create it in build(self, input_shape) (advice: it still saves and loads)",
                fix_data=("unnamed", source.name, made) if unnamed and _has_no_name(call) else (),
            )


class RawTfVariable(Rule):
    code = "KS202"
    kinds = LAYERS_AND_MODELS

    def check(self, source: ClassSource) -> Iterator[Finding]:
        if source.major != 3:
            return
        for method in source.methods.values():
            self_name = method_self(method)
            for statement, calls in _statements_with_calls(source, method):
                if not _stores_on_self(statement, self_name):
                    continue
                if any(_variable_call(source, call, self_name) == "tf.Variable" for call in calls):
                    yield self.finding(
                        _statement_position(statement),
                        f"{source.name} keeps a raw tf.Variable: Keras 3 does not track it, so it is not saved "
                        f"and is silently re-initialised on load; use self.add_weight(...) or keras.Variable",
                    )


def _stores_on_self(statement: ast.stmt, self_name: str) -> bool:
    """`self.x = ...`, `self.x[i] = ...`, `self.xs.append(...)`."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
        targets = [statement.target]
    elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        targets = [statement.value.func]
    else:
        return False
    return any(_rooted_at(target, self_name) for target in targets)


def _rooted_at(node: ast.expr, name: str) -> bool:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    if isinstance(node, ast.Tuple | ast.List):
        return any(_rooted_at(element, name) for element in node.elts)
    return isinstance(node, ast.Name) and node.id == name


# Methods that run again on load (or describe the config), so state they set is rebuilt.
_REBUILT_BY_LOAD = frozenset(
    {"__init__", "build", "get_config", "from_config", "build_from_config", "get_build_config",
     "compute_output_shape", "compute_output_spec", "load_own_variables", "load_assets", "set_weights"}
)
# State these set is not configuration: compile() state, statistics from data (adapt) and
# a metric's running values (reset on load by design).
_NOT_CONFIGURATION = frozenset(
    {"compile", "adapt", "update_state", "reset_state", "reset_states", "finalize_state", "result",
     "merge_state"}
)
# Keras's tracking API (tf_keras's own Layer keeps _losses, _updates, _metrics and
# _trainable_weights this way): what it collects is collected again when the reloaded layer is
# built and called, so it is bookkeeping, not configuration.
_TRACKING_API = frozenset({"add_loss", "add_update", "add_metric", "add_weight", "add_variable"})
_KERAS_MANAGED = frozenset({"built", "trainable", "supports_masking", "input_spec", "stateful", "name", "dtype"})
_MUTATING_METHODS = frozenset(
    {"append", "extend", "insert", "pop", "remove", "clear", "update", "add", "discard", "setdefault", "fill",
     "sort", "reverse", "popitem"}
)


class PythonStateChanged(Rule):
    """Only state that a later method changes and that nothing rebuilds on load: a
    counter bumped by a method the user calls. Silent (corpus review, issue 18) for
    helpers that __init__/build call (they run again on load), methods call() reaches
    (per-call scratch and lazy build flags), lazy caches that start as None, values
    that become weights or objects, state from compile()/adapt()/metrics and from Keras's
    tracking API (add_loss...), property setters, extensions of a base of another module,
    and counters that only make names (corpus review of 12-07)."""

    code = "KS203"
    kinds = LAYERS_AND_MODELS

    def check(self, source: ClassSource) -> Iterator[Finding]:
        init = source.methods.get("__init__")
        get_config = source.methods.get("get_config")
        if init is None:
            return
        plain = self._plain_attributes(source, init)
        if get_config is not None:  # state written to the config is saved
            config_self = method_self(get_config)
            read_in_config = {
                found for node in ast.walk(get_config) if (found := self_attribute(node, config_self))
            }
            plain -= read_in_config
        else:
            read_in_config = set()
        rebuilt = _reached_from(source, _REBUILT_BY_LOAD)
        per_call = _reached_from(source, {"call"}) - rebuilt
        not_configuration = _reached_from(source, _NOT_CONFIGURATION | _TRACKING_API) - rebuilt - per_call
        naming_counters = _naming_counters(source)
        reported: set[str] = set()
        for method_name, method in source.methods.items():
            if method_name in rebuilt or method_name in not_configuration:
                continue
            if _setter_of(method) is not None:
                # A property setter stores what it is given: the value is lost or kept where the
                # property is assigned (often a subclass's __init__, or compile()), not here.
                continue
            if _extends_base_of_other_module(source, method):
                continue  # the base's code, not read here, decides when it runs (its __init__, load_assets)
            self_name = method_self(method)
            scratch = _scratch_attributes(source, method, self_name)
            for statement in source.statements(method):
                attribute = _changed_attribute(
                    source, statement, self_name, plain, reassign_counts=method_name not in per_call
                )
                if attribute is None or attribute in reported or attribute in scratch:
                    continue
                if attribute in naming_counters and isinstance(statement, ast.AugAssign):
                    continue
                reported.add(attribute)
                yield self.finding(
                    _statement_position(statement),
                    f"{source.name}.{attribute} is a plain Python attribute set in __init__ and changed in "
                    f"{method_name}(): it is not saved and comes back with its __init__ value after load; keep "
                    f"it in a non-trainable weight (self.add_weight(trainable=False)) or in get_config()",
                )

        yield from self._changed_from_outside(source, init)

    def _changed_from_outside(self, source: ClassSource, init: FunctionNode) -> Iterator[Finding]:
        """`layer.downstream = True` after `layer = Patches(downstream=False)`, on a class with
        no get_config: its automatic config holds the constructor's value, so the reloaded
        layer silently gets that one (measured: Keras 3.15 and tf_keras 2.21)."""
        if source.has_method("get_config"):
            return
        parameters = {parameter.name for parameter in Signature.of(init).parameters}
        stored = {
            attribute
            for statement in source.statements(init)
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Name)
            and statement.value.id in parameters
            for target in statement.targets
            if (attribute := self_attribute(target, method_self(init))) == statement.value.id
        }
        for statement, target in source.facts.attribute_assignments:
            variable = target.value.id
            if target.attr not in stored or not _built_from(source.facts.assignments.get(variable, []), source.name):
                continue
            yield self.finding(
                _statement_position(statement),
                f"{variable}.{target.attr} changes {source.name}'s constructor argument '{target.attr}' after "
                f"construction: {source.name} has no get_config(), so the saved config holds the value passed to "
                f"{source.name}(...) and the reloaded model silently uses that one; pass the value to the "
                f"constructor, or write get_config() returning self.{target.attr}",
            )

    @staticmethod
    def _plain_attributes(source: ClassSource, init: FunctionNode) -> set[str]:
        self_name = method_self(init)
        plain = set()
        for statement in source.statements(init):
            if not isinstance(statement, ast.Assign) or not _is_plain_value(source, statement.value):
                continue
            if isinstance(statement.value, ast.Constant) and statement.value.value is None:
                continue  # a lazy cache or a slot filled later (a weight, a sublayer): rebuilt on demand
            for target in statement.targets:
                attribute = self_attribute(target, self_name)
                if attribute is not None and attribute not in _KERAS_MANAGED:
                    plain.add(attribute)
        return plain


def _built_from(values: list[ast.expr], class_name: str) -> bool:
    """Every value a variable is given is `class_name(...)`."""
    return bool(values) and all(
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == class_name
        for value in values
    )


def _is_plain_value(source: ClassSource, value: ast.expr) -> bool:
    """Literals, containers of literals, numpy arrays: values Keras neither tracks nor saves."""
    while isinstance(value, ast.UnaryOp):  # -1, not True
        value = value.operand
    if isinstance(value, ast.Constant | ast.List | ast.Dict | ast.Set | ast.Tuple):
        return True
    if isinstance(value, ast.Call):
        qualified = source.facts.imports.qualify(value.func) or ""
        return qualified.startswith("numpy.")
    return False


def _changed_attribute(
    source: ClassSource, statement: ast.stmt, self_name: str, plain: set[str], reassign_counts: bool
) -> str | None:
    if isinstance(statement, ast.AugAssign):
        return _plain_root(statement.target, self_name, plain)
    if isinstance(statement, ast.Assign):
        for node in statement.targets:
            if isinstance(node, ast.Subscript):
                if (found := _plain_root(node, self_name, plain)) is not None:
                    return found
            elif reassign_counts and (found := self_attribute(node, self_name)) in plain:
                if _makes_an_object(source, statement.value):
                    continue  # becomes a weight, a layer or another object: not plain state
                return found
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        if isinstance(func, ast.Attribute) and func.attr in _MUTATING_METHODS:
            return _plain_root(func.value, self_name, plain)
    return None


def _makes_an_object(source: ClassSource, value: ast.expr) -> bool:
    """A call other than numpy's or a builtin conversion (`self.add_weight(...)`, `Searcher(...)`)."""
    if not isinstance(value, ast.Call):
        return False
    if isinstance(value.func, ast.Name) and value.func.id in ("int", "float", "bool", "str", "list", "dict",
                                                              "tuple", "set", "len", "max", "min", "sum", "abs"):
        return False
    return not (source.facts.imports.qualify(value.func) or "").startswith("numpy.")


def _reached_from(source: ClassSource, roots) -> set[str]:
    """The methods named in `roots` and those they call as self.method(...), transitively."""
    reached = {name for name in roots if name in source.methods}
    pending = list(reached)
    while pending:
        method = source.methods[pending.pop()]
        self_name = method_self(method)
        for node in ast.walk(method):
            if isinstance(node, ast.Call) and (called := self_attribute(node.func, self_name)) in source.methods:
                if called not in reached:
                    reached.add(called)
                    pending.append(called)
    return reached


def _scratch_attributes(source: ClassSource, method: FunctionNode, self_name: str) -> set[str]:
    """Attributes a method deletes, or resets to a fresh literal (`self.outputs = []`)
    before it changes them: scratch state of that call, not state kept across calls."""
    scratch, changed = set(), set()
    for statement in source.statements(method):
        if isinstance(statement, ast.Delete):
            scratch.update(found for target in statement.targets if (found := self_attribute(target, self_name)))
        elif isinstance(statement, ast.Assign) and _is_plain_value(source, statement.value):
            for target in statement.targets:
                if (found := self_attribute(target, self_name)) is not None and found not in changed:
                    scratch.add(found)
        else:
            changed.update(_rooted_attributes(statement, self_name))
    return scratch


def _rooted_attributes(statement: ast.stmt, self_name: str) -> set[str]:
    """The `self.x` attributes a statement names."""
    return {found for node in ast.walk(statement) if (found := self_attribute(node, self_name))}


def _naming_counters(source: ClassSource) -> set[str]:
    """Attributes read only to format a string (`name = "{}".format(self._call_id)` after
    `self._call_id += 1`): a source of unique names, which only need to be unique within the
    process, so starting again from the __init__ value after load loses nothing."""
    in_strings: set[str] = set()
    elsewhere: set[str] = set()
    for method in source.methods.values():
        self_name = method_self(method)
        formatted = {id(node) for text in ast.walk(method) if _formats_a_string(text) for node in ast.walk(text)}
        for node in ast.walk(method):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                if (found := self_attribute(node, self_name)) is not None:
                    (in_strings if id(node) in formatted else elsewhere).add(found)
    return in_strings - elsewhere


def _formats_a_string(node: ast.AST) -> bool:
    """An f-string, `"...".format(...)`, `"..." % ...` or `str(...)`."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)
        return isinstance(func, ast.Name) and func.id == "str"
    return False


def _extends_base_of_other_module(source: ClassSource, method: FunctionNode) -> bool:
    """`def set_vocabulary(self, ...): super().set_vocabulary(...); self.pad_id = ...` in a class
    whose base is a project class of another module (keras-hub's CLIPTokenizer over
    BytePairTokenizer, whose __init__ and load_assets call it). Keras's own methods (fit,
    train_step) do not count: what calls them is known, and it is not the load."""
    if not _calls_super_method(method, method.name):
        return False
    for lineage_source in source.lineage():
        for base in lineage_source.keras_class.node.bases:
            base_name = dotted_name(base)
            if base_name is None or source.facts.class_named(base_name) is not None:
                continue
            if split_keras_name(source.facts.imports.qualify_dotted(base_name)) is None:
                return True
    return False


def _calls_super_method(method: FunctionNode, name: str) -> bool:
    """`super().name(...)` or `super(Cls, self).name(...)` in the method."""
    for call in calls_in(method):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == name and isinstance(func.value, ast.Call):
            if isinstance(func.value.func, ast.Name) and func.value.func.id == "super":
                return True
    return False


def _setter_of(method: FunctionNode) -> str | None:
    """`name` for a method decorated `@name.setter`."""
    for decorator in method.decorator_list:
        if isinstance(decorator, ast.Attribute) and decorator.attr == "setter":
            if isinstance(decorator.value, ast.Name):
                return decorator.value.id
    return None


def _plain_root(node: ast.expr, self_name: str, plain: set[str]) -> str | None:
    """`counter` for `self.counter`, `self.counter[0]` when counter is plain state."""
    while isinstance(node, ast.Subscript):
        node = node.value
    found = self_attribute(node, self_name)
    return found if found in plain else None


class CreatedInCall(Rule):
    code = "KS204"
    kinds = LAYERS_AND_MODELS

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        yield from super().check_module(module)
        yield from self._lambdas_making_variables(module)

    def check(self, source: ClassSource) -> Iterator[Finding]:
        call_method = source.methods.get("call")
        if call_method is None:
            return
        self_name = method_self(call_method)
        for statement, guards in _statements_with_guards(call_method.body, ()):
            if _guarded_self_assignment(statement, guards, self_name):
                continue  # `if self.w is None: self.w = self.add_weight(...)`: made once, and tracked
            for call in calls_in(statement):
                made = _variable_call(source, call, self_name)
                what = f"a weight with {made}()" if made else self._layer_made(source, call)
                if what:
                    yield self.finding(
                        _statement_position(statement),
                        f"{source.name}.call() creates {what}: it is made anew on every call, so its weights "
                        f"are not tracked or saved; create it once in __init__ or build() and use it in call()",
                    )
                    break

    @staticmethod
    def _layer_made(source: ClassSource, call: ast.Call) -> str | None:
        """A layer with weights made by the call: `Dense(4)`, `Block()`, or `TRANSFORMS[name](...)`
        where TRANSFORMS maps names to layer classes. Weightless layers (Dropout, Add, Reshape...)
        reload with equal outputs (measured), so they are not reported."""
        made = layer_made_by(source, call)
        if made is not None:
            return f"the layer {made}" if has_weights(source, made) else None
        looked_up = _layer_lookup(source, call.func)
        return f"a layer looked up in {looked_up}" if looked_up else None

    def _lambdas_making_variables(self, module: ModuleContext) -> Iterator[Finding]:
        """`Lambda(fn)` where fn's body makes a tf.Variable: Keras 2 raises when the model is built
        ("The following Variables were created within a Lambda layer ... but are not tracked by said
        layer"); Keras 3 makes the variable anew on every call and loads with equal outputs
        (measured: tf_keras 2.21, Keras 3.15.1)."""
        facts = module.facts
        for call in facts.calls:
            keras_name = facts.imports.keras_name(call.func)
            if keras_name is None or keras_name.last != "Lambda" or not is_layer_constructor(keras_name):
                continue
            if facts.target.major_for(keras_name.library) != 2 or not call.args:
                continue
            function = call.args[0]
            body = function if isinstance(function, ast.Lambda) else None
            if isinstance(function, ast.Name):
                body = facts.functions.get(function.id)
            if body is not None and any(is_tf_variable(facts.imports.qualify(inner.func)) for inner in calls_in(body)):
                name = "a lambda" if isinstance(function, ast.Lambda) else f"{function.id}()"
                yield self.finding(
                    (call.lineno, call.col_offset),
                    f"Lambda wraps {name}, which creates a tf.Variable on every call: Keras 2 refuses it when the "
                    f"model is built (ValueError: ... Variables were created within a Lambda layer ... but are not "
                    f"tracked); write a custom layer that creates the weight in build()",
                )


def _statements_with_guards(body: list[ast.stmt], guards: tuple[ast.expr, ...]):
    """Each simple statement of a block (nested blocks and functions included), with the
    tests of the `if`s around it."""
    for statement in body:
        if isinstance(statement, ast.If):
            yield from _statements_with_guards(statement.body, (*guards, statement.test))
            yield from _statements_with_guards(statement.orelse, guards)
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield from _statements_with_guards(statement.body, guards)
        elif isinstance(statement, ast.For | ast.AsyncFor | ast.While | ast.With | ast.AsyncWith):
            yield from _statements_with_guards(statement.body, guards)
            yield from _statements_with_guards(getattr(statement, "orelse", []), guards)
        elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            for block in (statement.body, *(handler.body for handler in statement.handlers), statement.orelse,
                          statement.finalbody):
                yield from _statements_with_guards(block, guards)
        elif isinstance(statement, ast.Match):
            for case in statement.cases:
                yield from _statements_with_guards(case.body, guards)
        else:
            yield statement, guards


def _guarded_self_assignment(statement: ast.stmt, guards: tuple[ast.expr, ...], self_name: str) -> bool:
    """`self.w = ...` under an `if` that tests `self.w` (or `self.built`, `hasattr(self, "w")`)."""
    if not isinstance(statement, ast.Assign):
        return False
    attributes = {found for target in statement.targets if (found := self_attribute(target, self_name))}
    if not attributes:
        return False
    for test in guards:
        for node in ast.walk(test):
            if self_attribute(node, self_name) in (*attributes, "built"):
                return True
            if isinstance(node, ast.Constant) and node.value in attributes:
                return True  # hasattr(self, "w")
    return False


def _layer_lookup(source: ClassSource, func: ast.expr) -> str | None:
    """`TRANSFORMS` for `TRANSFORMS[name]` when the module binds TRANSFORMS to a dict (or list)
    of layer classes (or of lambdas making a layer), one of which has weights."""
    if not (isinstance(func, ast.Subscript) and isinstance(func.value, ast.Name)):
        return None
    table = func.value.id
    for value in source.facts.assignments.get(table, []):
        elements = value.values if isinstance(value, ast.Dict) else getattr(value, "elts", [])
        for element in elements:
            dotted = dotted_name(_layer_class_of(element))
            if dotted is None:
                continue
            local = source.facts.class_named(dotted)
            keras_name = split_keras_name(source.facts.imports.qualify_dotted(dotted))
            layer = dotted if local is not None else (
                keras_name.last if keras_name is not None and is_layer_constructor(keras_name) else None
            )
            if layer is not None and has_weights(source, layer):
                return table
    return None


def _layer_class_of(element: ast.expr) -> ast.expr:
    """`layers.RandomTranslation` for a table entry `lambda x: layers.RandomTranslation(x, 0)`:
    calling the entry makes that layer."""
    if isinstance(element, ast.Lambda) and isinstance(element.body, ast.Call):
        return element.body.func
    return element


class BuildLeavesSublayersUnbuilt(Rule):
    """A subclassed model with its own build(): on load Keras calls that build() from the saved
    build config and then restores the weights (measured: Keras 3.15.1, tf_keras 2.21, .keras)."""

    code = "KS205"
    kinds = frozenset({"model"})

    def applies(self, module: ModuleContext, source: ClassSource) -> bool:
        """Not for a block that only functional-style models of the project build (keras-hub's
        SingleStreamBlock in FluxBackbone): on load their constructor calls it on symbolic
        inputs, so Keras runs its call() after its build(), and call() builds the sublayers
        before the weights are restored. Saved by itself, or built by a subclassed owner, its
        build() alone runs."""
        return not module.called_by_functional_owners(source)

    def check(self, source: ClassSource) -> Iterator[Finding]:
        build = source.methods.get("build")
        init = source.methods.get("__init__")
        functional = init is not None and calls_functional_init(init)
        if build is None or source.has_method("build_from_config") or functional:
            return
        sublayers = [
            *(weighted_sublayers(source, init) if init is not None else ()),
            *weighted_sublayers(source, build),
        ]
        reach = build_reach(source, build)
        if not sublayers or reach.opaque:
            return
        if source.major == 3:
            unbuilt = _unique(
                sublayer.attribute for sublayer in sublayers if sublayer.attribute not in reach.attributes
            )
            if unbuilt:
                yield self._keras3(source, build, unbuilt)
        elif not reach.calls_super_build:
            yield self._keras2(source, build, _unique(sublayer.attribute for sublayer in sublayers))

    def _keras3(self, source: ClassSource, build: FunctionNode, unbuilt: list[str]) -> Finding:
        names = _self_names(unbuilt)
        shape = _shape_parameter(build) or "input_shape"
        return self.finding(
            (build.lineno, build.col_offset),
            f"{source.name}.build() leaves {names} unbuilt: Keras 3 loads the model through build() and then "
            f"restores weights, so theirs are silently re-initialised (or the load fails); call .build({shape}) on "
            f"each of them in build()",
            fix_data=("keras3", *_fixable(source, build, unbuilt)),
            details=[f"self.{attribute}" for attribute in unbuilt],
        )

    def _keras2(self, source: ClassSource, build: FunctionNode, sublayers: list[str]) -> Finding:
        shape = _shape_parameter(build) or "input_shape"
        return self.finding(
            (build.lineno, build.col_offset),
            f"{source.name}.build() never calls super().build({shape}): loading a .keras file, tf_keras builds the "
            f"model again on its first call and re-initialises the weights of {_self_names(sublayers)} (or fails: "
            f"expected 0 variables); end build() with super().build({shape})",
            fix_data=("keras2",),
            details=[f"self.{attribute}" for attribute in sublayers],
        )


def _self_names(attributes: list[str]) -> str:
    return name_few(f"self.{attribute}" for attribute in attributes)


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def _shape_parameter(function: FunctionNode) -> str | None:
    """`input_shape` of `def build(self, input_shape)`."""
    positional = [*function.args.posonlyargs, *function.args.args]
    return positional[1].arg if len(positional) > 1 else None


def _fixable(source: ClassSource, build: FunctionNode, unbuilt: list[str]) -> list[str]:
    """The unbuilt sublayers made in __init__ that call() applies to its own input unchanged
    (`self.dense(inputs)`): build(input_shape) may build them with that shape."""
    call_method = source.methods.get("call")
    init = source.methods.get("__init__")
    if call_method is None or init is None or _shape_parameter(build) is None:
        return []
    positional = [*call_method.args.posonlyargs, *call_method.args.args]
    if len(positional) < 2:
        return []
    inputs = positional[1].arg
    if _assigned_names(call_method) & {inputs}:
        return []
    made_in_init = {sublayer.attribute for sublayer in weighted_sublayers(source, init)}
    self_name = method_self(call_method)
    applied = {
        attribute
        for call in calls_in(call_method)
        if (attribute := self_attribute(call.func, self_name)) is not None
        and len(call.args) == 1 and isinstance(call.args[0], ast.Name) and call.args[0].id == inputs
    }
    fixable = [attribute for attribute in unbuilt if attribute in applied and attribute in made_in_init]
    return fixable if len(fixable) == len(unbuilt) else []


def _assigned_names(function: FunctionNode) -> set[str]:
    return {
        node.id for node in ast.walk(function) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }


RULES = [WeightInInit(), RawTfVariable(), PythonStateChanged(), CreatedInCall(), BuildLeavesSublayersUnbuilt()]


def _statement_position(statement: ast.stmt) -> tuple[int, int]:
    return statement.lineno, statement.col_offset
