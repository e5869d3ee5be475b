"""KS101-KS104, KS106: can Keras rebuild the object from its config?

On load Keras calls `cls.from_config(config)`, which by default is
`cls(**config)`. So the config must hold every constructor argument, as a
plain JSON value, and `__init__` must accept every key the base config adds
(`name`, `trainable`, `dtype`).

Without `get_config`, Keras's auto-config records the constructor arguments
of a Layer, but only plain values (Keras 2 and 3), never `*args`, and in
Keras 3 never for a subclassed Model.
"""

from __future__ import annotations

from typing import Iterator

import ast
import dataclasses

from ..class_source import ClassSource, Parameter, Signature, calls_in, method_self, names_in, self_attribute
from ..deserializers import deserializing_functions, names_deserializer
from ..keras_names import dotted_name, split_keras_name, values_assigned_in
from ..model_io import only_weights_saved, saves_hdf5
from ..module_facts import ARRAY, CALLABLE, CALLED, LAYER, OBJECT
from .base import BASE_CONFIG_KEYS, LAYERS_AND_MODELS, Finding, ModuleContext, Rule, only_raises, quoted
from .config_keys import base_config_keys, super_init_calls

_HOW_TO_SERIALIZE = {
    LAYER: "serialize it with keras.layers.serialize() and rebuild it in from_config() with keras.layers.deserialize()",
    CALLABLE: "serialize it with keras.activations.serialize() and turn it back with keras.activations.get() "
    "in __init__",
    ARRAY: "store it as a list (.tolist())",
    OBJECT: "serialize it with keras.saving.serialize_keras_object() and rebuild it in from_config() with "
    "keras.saving.deserialize_keras_object()",
}
_HOW_TO_SERIALIZE[CALLED] = _HOW_TO_SERIALIZE[OBJECT]


# Keras 3's auto-config drops `name` when __init__ has no **kwargs, but keeps
# these two (observed: "unexpected keyword argument 'trainable'").
AUTO_CONFIG_KEYS = ("trainable", "dtype")


def _own_parameters(signature: Signature) -> list[Parameter]:
    """Constructor parameters the class adds on top of the base config."""
    return [param for param in signature.parameters if param.name not in BASE_CONFIG_KEYS]


def _non_plain_arguments(source: ClassSource, signature: Signature) -> list[tuple[Parameter, str]]:
    found = []
    for param in _own_parameters(signature):
        kind = source.argument_kind(param)
        if kind is not None:
            found.append((param, kind))
    return found


class NoUsableGetConfig(Rule):
    """KS101: no get_config and the auto-config cannot describe the class."""

    code = "KS101"
    needs_own_config = True
    kinds = LAYERS_AND_MODELS | {"schedule"}

    def applies(self, module: ModuleContext, source: ClassSource) -> bool:
        # A project that only ever saves weights never writes a config (model_io.py).
        index = module.index
        return super().applies(module, source) and not (index and only_weights_saved(index.modules.values()))

    def check(self, source: ClassSource) -> Iterator[Finding]:
        keras_class = source.keras_class
        if keras_class.kind == "schedule":
            yield from self._check_schedule(source)
            return
        signature = source.init_signature
        if not keras_class.generic or signature is None or source.has_method("get_config"):
            return
        name = source.name
        varargs = source.passes_varargs(signature)
        if varargs or any(param.positional_only for param in signature.parameters):
            what = f"*{signature.var_positional}" if varargs else "positional-only parameters"
            if source.major == 3:
                effect = "model.save() raises NotImplementedError"
            else:
                effect = "Keras 2 reloads it without those values and outputs change silently"
            yield self.finding(
                source.class_position(),
                f"{name}.__init__ takes {what}, which Keras's automatic config cannot record: {effect}; "
                f"use named parameters and write get_config() returning them",
            )
            return
        non_plain = _non_plain_arguments(source, signature)
        if non_plain:
            param, kind = non_plain[0]
            names = quoted(param.name for param, _ in non_plain)
            yield self.finding(
                source.class_position(),
                f"{name} has no get_config() and its argument {names} is {kind}, which Keras cannot put in a "
                f"config: model.save() raises NotImplementedError; write get_config() and "
                f"{_HOW_TO_SERIALIZE[kind]}",
                details=[param.name for param, _ in non_plain],
            )
            return
        params = _own_parameters(signature)
        if keras_class.kind == "model" and source.major == 3 and params:
            yield self.finding(
                source.class_position(),
                f"Keras 3 cannot auto-configure the subclassed Model {name} with constructor arguments "
                f"({quoted(param.name for param in params)}): save raises NotImplementedError, or records the "
                f"defaults instead of the values passed and the load fails; write get_config() returning them",
                details=[param.name for param in params],
            )

    def _check_schedule(self, source: ClassSource) -> Iterator[Finding]:
        """A learning-rate schedule has no automatic config: its base get_config raises
        (measured: Keras 3.15 and tf_keras 2.21, .keras and .h5, when the compiled optimizer
        is saved with the model)."""
        if source.has_method("get_config"):
            return
        name = source.name
        yield self.finding(
            source.class_position(),
            f"learning rate schedule {name} has no get_config(): saving a model whose optimizer uses it raises "
            f"NotImplementedError: Learning rate schedule '{name}' must override `get_config()`; write "
            f"get_config() returning its constructor arguments",
        )


class GetConfigOmitsParameter(Rule):
    """KS102: an explicit get_config that leaves out a constructor parameter."""

    code = "KS102"
    needs_own_config = True

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        by_line = {source.methods["get_config"].lineno: source for source in module.sources
                   if "get_config" in source.methods}
        for finding in super().check_module(module):
            if not _supplied_by_subclasses(module, by_line.get(finding.line), finding.fix_data):
                yield finding

    def check(self, source: ClassSource) -> Iterator[Finding]:
        get_config = source.methods.get("get_config")
        signature = source.init_signature
        if get_config is None or signature is None or source.has_method("from_config"):
            return
        summary = source.config_summary(get_config)
        if not summary.complete or (summary.calls_super and source.inherits("get_config")):
            return  # the keys super().get_config() adds are written in another module
        forwarded = _forwarded_to_super(source) if summary.calls_super else set()
        for param in _own_parameters(signature):
            if param.name in summary.keys or param.name in forwarded or _ignored_by_init(source, param):
                continue
            if param.required:
                effect = f"load fails with TypeError: missing required argument '{param.name}'"
            else:
                # Measured (Keras 3.15.1, .keras): a default that sizes a weight (num_classes=10
                # where 5 was trained) fails the load with "expected 2 variables, but received 0".
                effect = (f"it reloads with the default value of '{param.name}': other outputs with no error, "
                          "or a failed load if it sizes a weight")
            yield self.finding(
                _def_position(get_config),
                f"{source.name}.get_config() omits constructor parameter '{param.name}': {effect}; "
                f"add \"{param.name}\": self.{param.name} to the config",
                fix_data=(param.name,),
            )


def _supplied_by_subclasses(module: ModuleContext, source: ClassSource | None, fix_data: tuple) -> bool:
    """An abstract base (subclassed in this file, built nowhere) whose subclasses in this file each
    have an `__init__` that does not take the parameter: they pass it themselves
    (`super().__init__(tf.reduce_mean, ...)`), so no saved config needs it (corpus: tfa, qkeras)."""
    if source is None or not fix_data:
        return False
    children = [other for other in module.sources if other.keras_class.parent is source.keras_class]
    if not children and _declares_abstract_method(source) and not source.keras_class.instantiated:
        return True  # a base with an abstract method, built nowhere here: its subclasses complete it
    if not module.abstract_base(source):
        return False
    if not children:
        return False  # subclassed only in other modules: their constructors are not read here
    name = fix_data[0]
    for child in children:
        init = child.methods.get("__init__")
        if init is None or name in {param.name for param in Signature.of(init).parameters}:
            return False
    return True


def _declares_abstract_method(source: ClassSource) -> bool:
    """A method (not get_config, from_config or a dunder) decorated `abstractmethod`, or whose body,
    past its docstring, is only `raise NotImplementedError(...)` (base.only_raises; corpus: tfgnn `convolve`)."""
    for name, method in source.methods.items():
        if name in ("get_config", "from_config") or name.startswith("__"):
            continue
        if any((dotted_name(decorator) or "").endswith("abstractmethod") for decorator in method.decorator_list):
            return True
        raised = only_raises(method)
        if raised is not None and raised.exc is not None:
            exc = raised.exc.func if isinstance(raised.exc, ast.Call) else raised.exc
            if dotted_name(exc) == "NotImplementedError":
                return True
    return False


def _ignored_by_init(source: ClassSource, param: Parameter) -> bool:
    """A parameter with a default that __init__ never reads (`seed=None`, accepted and dropped), or
    reads only to load initial weights (`if weights: self.load_weights(weights)`, which the saved
    file restores anyway): reloading with the default builds the same object. A required one still
    fails the load, so it is never ignored."""
    init, _ = source.find_method("__init__")
    if param.required or init is None:
        return False
    if any(dotted_name(call.func) in ("locals", "vars") for call in calls_in(init)):
        return False  # `locals()` reads every argument
    for_weights = _read_to_load_weights(init)
    reads = [node for node in ast.walk(init)
             if isinstance(node, ast.Name) and node.id == param.name and isinstance(node.ctx, ast.Load)]
    if any(id(node) in for_weights for node in reads):
        # A weights path checked before it is loaded (`if weights and not exists(weights): raise ...`).
        for_weights |= _read_to_validate(init)
    return not any(id(node) not in for_weights for node in reads)


def _read_to_load_weights(init) -> set[int]:
    """The names (by id) read only to load initial weights: the arguments of `x.load_weights(...)`
    and the test of an `if` whose body only loads weights."""
    found: set[int] = set()
    for node in ast.walk(init):
        if isinstance(node, ast.If) and not node.orelse and all(map(_loads_weights, node.body)):
            found.update(id(name) for name in _name_nodes(node.test))
        elif isinstance(node, ast.Call) and _is_load_weights(node):
            found.update(id(name) for argument in node.args for name in _name_nodes(argument))
    return found


def _read_to_validate(init) -> set[int]:
    """The names (by id) in an `if` with no `else` whose body only raises: its test and its message."""
    return {
        id(name) for node in ast.walk(init)
        if isinstance(node, ast.If) and not node.orelse and all(isinstance(s, ast.Raise) for s in node.body)
        for name in _name_nodes(node)
    }


def _name_nodes(node: ast.AST) -> list[ast.Name]:
    return [child for child in ast.walk(node) if isinstance(child, ast.Name)]


def _loads_weights(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) and _is_load_weights(
        statement.value
    )


def _is_load_weights(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr == "load_weights"


def _forwarded_to_super(source: ClassSource) -> set[str]:
    """Parameters passed on to `super().__init__(...)`: the base config carries them."""
    init, _ = source.find_method("__init__")
    forwarded: set[str] = set()
    if init is None:
        return forwarded
    for call in calls_in(init):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "__init__":
            for value in [*call.args, *(keyword.value for keyword in call.keywords)]:
                # `activation=activations.get(activation)`: the base stores what it was given.
                arguments = value.args if isinstance(value, ast.Call) else [value]
                forwarded.update(argument.id for argument in arguments if isinstance(argument, ast.Name))
    return forwarded


class GetConfigWithoutSuper(Rule):
    """KS103: get_config that does not start from super().get_config()."""

    code = "KS103"
    needs_own_config = True
    kinds = frozenset({"layer", "model", "loss", "metric"})

    def check(self, source: ClassSource) -> Iterator[Finding]:
        get_config = source.methods.get("get_config")
        if get_config is None:
            return
        summary = source.config_summary(get_config)
        if summary.calls_super or not summary.complete:
            return
        name = summary.keys.get("name")
        self_name = method_self(get_config)
        if _is_instance_name(name, self_name):
            return  # `"name": self.name`: the config carries the name itself (keras's metrics, InputLayer)
        if _name_saved_under_own_key(source, summary.keys):
            return
        if _is_class_name(name, self_name):
            name = ast.Constant(source.name)  # `self.__class__.__name__`: as fixed as a literal
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            # Measured (Keras 3.15.1, tf_keras 2.21): two instances in one model fail to load.
            effect = (
                f"every instance reloads named {name.value!r}, so a model with two of them fails to load with "
                f"ValueError: The name \"{name.value}\" is used 2 times in the model"
            )
        else:
            effect = "the base config is not saved, so the name reloads as the default"
        yield self.finding(
            _def_position(get_config),
            f"{source.name}.get_config() does not start from super().get_config(): {effect}; start with "
            f"config = super().get_config()",
        )


def _name_saved_under_own_key(source: ClassSource, keys: dict[str, ast.expr]) -> bool:
    """`super().__init__(..., name=model_name)` and the config saves `"model_name"`: the name is
    saved, under the constructor's own key, and reaches the base again on load (keras-cv's RegNet)."""
    init, _ = source.find_method("__init__")
    signature = source.init_signature
    if init is None or signature is None:
        return False
    return any(
        keyword.arg == "name" and isinstance(keyword.value, ast.Name) and keyword.value.id in keys
        and signature.by_name(keyword.value.id) is not None
        for call in super_init_calls(init)
        for keyword in call.keywords
    )


def _is_instance_name(value: ast.expr | None, self_name: str) -> bool:
    """`self.name` or `self._name`: each instance's own name."""
    return isinstance(value, ast.Attribute) and value.attr in ("name", "_name") and (
        isinstance(value.value, ast.Name) and value.value.id == self_name
    )


def _is_class_name(value: ast.expr | None, self_name: str) -> bool:
    """`self.__class__.__name__` or `type(self).__name__`: one name for every instance."""
    if not (isinstance(value, ast.Attribute) and value.attr == "__name__"):
        return False
    owner = value.value
    if isinstance(owner, ast.Attribute) and owner.attr == "__class__":
        return isinstance(owner.value, ast.Name) and owner.value.id == self_name
    return (
        isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "type"
        and len(owner.args) == 1 and isinstance(owner.args[0], ast.Name) and owner.args[0].id == self_name
    )


class InitRejectsBaseKeywords(Rule):
    """KS104: __init__ that cannot take the name/trainable/dtype the config passes."""

    code = "KS104"
    needs_own_config = True
    kinds = LAYERS_AND_MODELS | {"loss", "metric"}

    def applies(self, module: ModuleContext, source: ClassSource) -> bool:
        # Where KS101 says the save raises, the automatic config KS104 describes is never
        # written: one finding per class, KS101's.
        return super().applies(module, source) and not _ks101_fires(module, source)

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        for finding in super().check_module(module):
            if finding.fix_data[:1] != (_UNLESS_BASE_WRITES,):
                yield finding
                continue
            class_name, *bases = finding.fix_data[1:]
            written = _keys_a_base_of_another_module_writes(module, bases)
            if written is None:
                yield finding
                continue
            missing = [key for key in finding.details if key in written]
            if missing:
                message = _rejects_base_keys(class_name, _STARTS_FROM_SUPER, missing, "")
                yield dataclasses.replace(finding, message=message, details=tuple(missing), fix_data=())

    def check(self, source: ClassSource) -> Iterator[Finding]:
        init = source.methods.get("__init__")
        if init is None:
            return
        signature = Signature.of(init)
        if signature.var_keyword is not None:
            return
        get_config, owner = source.find_method("get_config")
        if get_config is not None:
            if not source.config_summary(get_config).calls_super:
                return
            passed = _base_keys_under(source, owner)
            why = _STARTS_FROM_SUPER
            versions = ""
            outside = _bases_outside_the_file(source, owner)
        elif source.inherits("get_config"):
            return  # a base class of another module writes the config
        elif source.major == 3 and source.keras_class.generic and source.keras_class.kind in LAYERS_AND_MODELS:
            passed = AUTO_CONFIG_KEYS
            why = "Keras 3's automatic config holds"
            versions = " (Keras 3)"
            outside = ()
        else:
            return
        missing = [key for key in passed if signature.by_name(key) is None]
        if not missing:
            return
        yield self.finding(
            _def_position(init),
            _rejects_base_keys(source.name, why, missing, versions),
            details=missing,
            fix_data=(_UNLESS_BASE_WRITES, source.name, *outside) if outside else (),
        )


_STARTS_FROM_SUPER = "get_config() starts from super().get_config(), so the config holds"


def _rejects_base_keys(class_name: str, why: str, missing: list[str], versions: str) -> str:
    return (
        f"{class_name}.__init__ has no **kwargs but {why} {quoted(missing)}: load fails{versions} with "
        f"TypeError: unexpected keyword argument '{missing[0]}'; add **kwargs and pass it to "
        f"super().__init__(**kwargs)"
    )


def _base_keys_under(source: ClassSource, owner: ClassSource) -> tuple[str, ...]:
    """The base keys (name, trainable, dtype...) in the config when `owner.get_config()` starts from
    super().get_config(). Keras's base config holds them all; an in-file base whose own get_config()
    does not call super holds only those it writes (keras's BaseSpatialDropout: name and dtype, no
    trainable); one that cannot be read is taken to hold none."""
    keys = base_config_keys(source)
    parent = owner.parent
    while parent is not None:
        get_config, holder = parent.find_method("get_config")
        if get_config is None:
            break  # a Keras base (or one of another module) writes the base config
        summary = holder.config_summary(get_config)
        if not summary.calls_super:
            return tuple(key for key in keys if key in summary.keys) if summary.complete else ()
        parent = holder.parent
    return keys


# fix_data of a KS104 finding whose base keys are Keras's unless the first get_config() up the project
# bases of another module does not call super() (the class name and the qualified bases follow).
_UNLESS_BASE_WRITES = "unless a base of another module writes its own config"


def _bases_outside_the_file(source: ClassSource, owner: ClassSource) -> tuple[str, ...]:
    """The qualified project bases of another module that `owner.get_config()`'s super() chain
    reaches, when it leaves the file through one (`class SpatialDrop2D(BaseSpatialDrop)`, imported)."""
    top = owner
    while top.parent is not None:
        get_config, holder = top.parent.find_method("get_config")
        if get_config is None:
            top = list(top.parent.lineage())[-1]  # the in-file root: its bases lead out of the file
            break
        if not holder.config_summary(get_config).calls_super:
            return ()  # an in-file base writes its own config (_base_keys_under reads it)
        top = holder
    if "get_config" not in top.keras_class.inherited_methods:
        return ()  # Keras's base config
    return tuple(qualified for base in top.node.bases if (qualified := source.facts.imports.qualify(base)))


def _keys_a_base_of_another_module_writes(module: ModuleContext, bases: list[str]) -> list[str] | None:
    """The base keys in the config when the first get_config() up those bases does not call super():
    only those it writes (read from the project index, "own_config_keys" in module summaries); None
    when Keras's base config is reached or no index is known."""
    index = module.index if module.project is not None else None
    if index is None:
        return None
    return next((keys for base in bases if (keys := index.own_config_keys(base)) is not None), None)


_KS101 = NoUsableGetConfig()


def _ks101_fires(module: ModuleContext, source: ClassSource) -> bool:
    if source.keras_class.kind not in _KS101.kinds:
        return False
    return any(True for _ in _KS101.check(source)) and _KS101.applies(module, source)


_HDF5_ONLY = "fails from HDF5 only"


def _saves_hdf5(module: ModuleContext) -> bool:
    """Some save of the project writes HDF5; with no project known, assume it may."""
    index = module.index  # asked only for such a finding: summarising costs
    return index is None or saves_hdf5(index.modules.values())


class NestedObjectNotSerialized(Rule):
    """KS106: a layer, function or array argument put in the config raw, or
    serialized without anything to deserialize it."""

    code = "KS106"
    needs_own_config = True
    kinds = LAYERS_AND_MODELS

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        for finding in super().check_module(module):
            if finding.fix_data == (_HDF5_ONLY,) and not _saves_hdf5(module):
                continue
            if finding.fix_data[:1] == (_UNLESS_HELPER_DESERIALIZES,) and _helper_deserializes(
                module, finding.fix_data[1:]
            ):
                continue
            yield finding

    def check(self, source: ClassSource) -> Iterator[Finding]:
        get_config = source.methods.get("get_config")
        signature = source.init_signature
        if get_config is None or signature is None:
            return
        summary = source.config_summary(get_config)
        self_name = method_self(get_config)
        # An inherited from_config() of another module counts too: its code is not read here, and a
        # base that defines one is there to deserialize (keras-cv's Task rebuilds a dict backbone).
        has_from_config = source.has_method("from_config")
        for param, kind in _non_plain_arguments(source, signature):
            value = _through_locals(summary.keys.get(param.name), get_config)
            if value is None:
                continue
            helpers = _init_calls_on(source, param)
            if _is_raw(value, param, self_name) and _attribute_may_hold(source, value, param, self_name):
                if _from_config_rebuilds(source, param):
                    continue
                if kind in (LAYER, CALLABLE, CALLED) and any(map(names_deserializer, helpers)):
                    continue  # the .keras file stores the object as a dict, which __init__ turns back
                if kind == OBJECT:
                    # Measured (Keras 3.15.1, tf_keras 2.21): .keras serializes a Keras object and
                    # Keras's getters (add_weight, built-in layers) take its dict back; HDF5 does not.
                    yield self.finding(
                        _def_position(get_config),
                        f"{source.name}.get_config() returns '{param.name}' ({kind}) as the object itself: "
                        f"loading a .h5 file fails with ValueError: Unknown config_item (.keras loads it); "
                        f"{_HOW_TO_SERIALIZE[kind]}",
                        fix_data=(_HDF5_ONLY,),
                    )
                    continue
                yield self.finding(
                    _def_position(get_config),
                    f"{source.name}.get_config() returns '{param.name}' ({kind}) as the object itself: the "
                    f".keras file cannot rebuild it and load fails with TypeError; {_HOW_TO_SERIALIZE[kind]}",
                    fix_data=_unless_helper_deserializes(source, helpers) if kind != ARRAY else (),
                )
            elif (
                kind != ARRAY
                and _is_serialized(value)
                and not has_from_config
                and not any(map(names_deserializer, helpers))
            ):
                yield self.finding(
                    _def_position(get_config),
                    f"{source.name}.get_config() serializes '{param.name}' but no from_config() or __init__ "
                    f"deserializes it: __init__ receives a dict on load; add from_config() that deserializes it",
                    fix_data=_unless_helper_deserializes(source, helpers),
                )


def _from_config_rebuilds(source: ClassSource, param: Parameter) -> bool:
    """A from_config() that handles the key itself (`config["split"] = deserialize_keras_object(...)`),
    or one inherited from another module, whose code is not read here (keras-cv's Task)."""
    from_config, _ = source.find_method("from_config")
    if from_config is None:
        return source.inherits("from_config")
    return any(
        isinstance(node, ast.Constant) and node.value == param.name for node in ast.walk(from_config)
    ) and any("deserialize" in (dotted_name(call.func) or "") for call in calls_in(from_config))


def _is_raw(value: ast.expr, param: Parameter, self_name: str) -> bool:
    if isinstance(value, ast.Name):
        return value.id == param.name
    return self_attribute(value, self_name) is not None


def _is_serialized(value: ast.expr) -> bool:
    if not isinstance(value, ast.Call):
        return False
    callee = dotted_name(value.func) or ""
    last = callee.rsplit(".", 1)[-1]
    return "serialize" in last and "deserialize" not in last or last == "get_config"


def _init_calls_on(source: ClassSource, param: Parameter) -> list[ast.Call]:
    """The calls of __init__ that take the argument positionally: `activations.get(fn)`,
    `deserialize(inner)`, `get_quantizer(activation)`."""
    init, _ = source.find_method("__init__")
    if init is None:
        return []
    return [
        call for call in calls_in(init) if any(param.name in names_in(argument) for argument in call.args)
    ]


# fix_data of a finding that stands unless __init__ hands the argument to a project function
# that deserializes (the function names follow, as spelled in the file).
_UNLESS_HELPER_DESERIALIZES = "unless a helper deserializes"


def _unless_helper_deserializes(source: ClassSource, calls: list[ast.Call]) -> tuple:
    """The marker and the functions called, as spelled (`get_quantizer`, `preprocessing.parse_factor`)."""
    names = sorted(
        {name for call in calls if (name := dotted_name(call.func)) and _may_be_project_function(source, name)}
    )
    return (_UNLESS_HELPER_DESERIALIZES, *names) if names else ()


def _may_be_project_function(source: ClassSource, name: str) -> bool:
    """Defined in this file, or imported from a module that is not Keras's, TensorFlow's or numpy's
    (not `isinstance`, not `self.add_weight`): only then is the project index asked."""
    facts = source.facts
    if name in facts.functions:
        return True
    qualified = facts.imports.qualify_dotted(name)
    return (
        qualified is not None
        and split_keras_name(qualified) is None
        and not qualified.startswith(("tensorflow", "numpy"))
    )


def _helper_deserializes(module: ModuleContext, names: tuple[str, ...]) -> bool:
    """One of the functions `__init__` passes the argument to is the project's and calls a Keras
    deserializer on it (qkeras's `get_quantizer`, keras-cv's `preprocessing.parse_factor`):
    defined in this file, or in another module (read from the project index)."""
    facts = module.facts
    if facts.tree is not None and set(names) & deserializing_functions(facts.tree, facts.imports):
        return True
    index = module.index if module.project is not None else None
    return index is not None and any(index.deserializes(module.project.module, name) for name in names)


def _through_locals(value: ast.expr | None, get_config) -> ast.expr | None:
    """For a local of get_config (`activation = keras.activations.serialize(activation)`, then
    `config.update({"activation": activation})`), the serializing call it was last bound to;
    else the value itself."""
    if not isinstance(value, ast.Name):
        return value
    serialized = [item for item in values_assigned_in(get_config, value.id) if _is_serialized(item)]
    return serialized[-1] if serialized else value


def _attribute_may_hold(source: ClassSource, value: ast.expr, param: Parameter, self_name: str) -> bool:
    """Whether the attribute the config reads may hold the argument. Not when every binding of it in
    __init__ is a plain value (a literal, a `fn.__name__`, another plain argument); nor, for an
    attribute named otherwise (`"function": self.symbol`), when no binding may be the argument
    (tf_keras's TFOpLambda stores the name of its function's symbol)."""
    attribute = self_attribute(value, self_name)
    init, _ = source.find_method("__init__")
    if attribute is None or init is None:
        return True
    bound = _bindings_in(source, init, attribute)
    if not bound:
        return True  # bound elsewhere (build(), a base class): assume it holds the argument
    plain_parameters = {
        other.name for other in source.init_signature.parameters
        if other.name != param.name and source.argument_kind(other) is None
    }
    if all(_is_plain_value(item, plain_parameters) for item in bound):
        return False
    if attribute.lstrip("_") == param.name:
        return True
    init_locals = _local_bindings(source, init)
    return any(_may_be_the_argument(item, param, init_locals) for item in bound)


def _bindings_in(source: ClassSource, init, attribute: str) -> list[ast.expr]:
    """The values `self.<attribute> = ...` binds in __init__."""
    init_self = method_self(init)
    return [
        statement.value
        for statement in source.statements(init)
        if isinstance(statement, ast.Assign)
        and any(self_attribute(target, init_self) == attribute for target in statement.targets)
    ]


def _may_be_the_argument(node: ast.expr, param: Parameter, init_locals: dict[str, list[ast.expr]]) -> bool:
    """The argument itself (or one choice of `a or b`), a call of it or given it (`embedding_cls()`,
    `copy.deepcopy(inner)`), or a local of __init__ bound to one of those (`self._network = network`)."""
    if isinstance(node, ast.BoolOp):
        return any(_may_be_the_argument(item, param, init_locals) for item in node.values)
    if isinstance(node, ast.IfExp):
        return any(_may_be_the_argument(item, param, init_locals) for item in (node.body, node.orelse))
    if isinstance(node, ast.Name):
        if node.id == param.name:
            return True
        # One step through the locals only: `{}` stops a local that refers to itself.
        return any(_may_be_the_argument(item, param, {}) for item in init_locals.get(node.id, []))
    if isinstance(node, ast.Call):
        return any(
            isinstance(item, ast.Name) and item.id == param.name
            for item in (node.func, *node.args, *(keyword.value for keyword in node.keywords))
        )
    return False


def _local_bindings(source: ClassSource, init) -> dict[str, list[ast.expr]]:
    """Local name -> the values __init__ binds it to."""
    found: dict[str, list[ast.expr]] = {}
    for statement in source.statements(init):
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(statement.value)
    return found


def _is_plain_value(node: ast.expr, plain_parameters: set[str]) -> bool:
    """A literal, a `__name__`, a plain argument, or a choice (`a or b`, `a if c else b`) among those."""
    if isinstance(node, ast.BoolOp):
        return all(_is_plain_value(item, plain_parameters) for item in node.values)
    if isinstance(node, ast.IfExp):
        return _is_plain_value(node.body, plain_parameters) and _is_plain_value(node.orelse, plain_parameters)
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return True
    if isinstance(node, ast.Attribute):
        return node.attr == "__name__"
    return isinstance(node, ast.Name) and node.id in plain_parameters


RULES = [
    NoUsableGetConfig(),
    GetConfigOmitsParameter(),
    GetConfigWithoutSuper(),
    InitRejectsBaseKeywords(),
    NestedObjectNotSerialized(),
]


def _def_position(function) -> tuple[int, int]:
    """The `def` line: after any decorators, as flake8 users expect."""
    return function.lineno, function.col_offset
