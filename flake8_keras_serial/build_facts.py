"""What a custom layer owns and what its `build()` builds, read from the source.

Shared by KS204 (layers made in `call()`) and KS205 (a `build()` that leaves
sublayers unbuilt). Both care only about layers that hold weights: a weightless
layer (Dropout, Add, Reshape...) has nothing to save, so leaving it unbuilt or
making it anew on every call loads with equal outputs (measured, Keras 3.15.1 and
tf_keras 2.21).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from .class_source import ClassSource, FunctionNode, calls_in, method_self, self_attribute
from .keras_names import dotted_name, is_layer_constructor, split_keras_name

# Keras layers with no variables. Measured as made in call() and reloaded with equal
# outputs: Dropout, Add, Concatenate, MaxPooling1D, ZeroPadding1D, Reshape, Flatten,
# Activation. The others are the same kinds of layer (merging, pooling, reshaping,
# activations, noise and dropout variants), none of which creates a variable.
WEIGHTLESS_LAYERS = frozenset(
    {
        "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
        "GaussianNoise", "AlphaDropout", "ActivityRegularization",
        "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
        "add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot",
        "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
        "AveragePooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
        "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D",
        "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPool1D", "GlobalMaxPool2D",
        "GlobalMaxPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D",
        "Reshape", "Flatten", "Permute", "RepeatVector", "Cropping1D", "Cropping2D", "Cropping3D",
        "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
        "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "ThresholdedReLU", "Masking", "Identity",
        "Lambda",  # its function is saved, not state
    }
) | frozenset(
    # Preprocessing and augmentation layers that learn nothing: resizing, cropping and rescaling
    # make no variable; the random ones hold only a seed state (Keras 3 SeedGenerator), which
    # is randomness, not a trained weight. Not here: Normalization, the lookups and
    # TextVectorization, Discretization, which keep what adapt() learned.
    {
        "Resizing", "Rescaling", "CenterCrop", "CategoryEncoding", "Hashing", "HashedCrossing",
        "RandomCrop", "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "RandomContrast",
        "RandomBrightness", "RandomHeight", "RandomWidth", "RandomGrayscale", "RandomHue", "RandomSaturation",
        "RandomSharpness", "RandomShear", "RandomColorJitter", "RandomColorDegeneration", "RandomPosterization",
        "RandomInvert", "RandomErasing", "RandomGaussianBlur", "RandomPerspective", "RandomElasticTransform",
        "AutoContrast", "Equalization", "Solarization", "MixUp", "CutMix", "AugMix", "RandAugment",
    }
)

# Attributes through which build() reaches every sublayer at once.
_ALL_LAYERS = frozenset({"layers", "submodules", "_layers", "_flatten_layers"})


@dataclass(frozen=True)
class Sublayer:
    attribute: str  # self.<attribute>
    made_in: str  # "__init__" or "build"
    statement: ast.stmt


def layer_made_by(source: ClassSource, call: ast.Call) -> str | None:
    """The layer a call constructs: Keras's own (`Dense`) or a layer class of this file."""
    dotted = dotted_name(call.func)
    if dotted is None:
        return None
    local = source.facts.class_named(dotted)
    if local is not None and local.kind in ("layer", "model"):
        return dotted
    keras_name = split_keras_name(source.facts.imports.qualify_dotted(dotted))
    if keras_name is not None and is_layer_constructor(keras_name):
        return keras_name.last
    return None


def has_weights(source: ClassSource, layer: str) -> bool:
    """Whether the layer named by layer_made_by() holds variables. A class of this file
    holds them unless its body visibly makes none (no weight, no weighted layer)."""
    local = source.facts.class_named(layer)
    if local is None:
        return layer not in WEIGHTLESS_LAYERS
    return _class_makes_weights(source, local.node, seen=set())


def _class_makes_weights(source: ClassSource, node: ast.ClassDef, seen: set[str]) -> bool:
    if node.name in seen:
        return True
    seen.add(node.name)
    for base in node.bases:
        base_name = dotted_name(base)
        parent = source.facts.class_named(base_name) if base_name else None
        if parent is not None and _class_makes_weights(source, parent.node, seen):
            return True
        if parent is None and base_name is not None and split_keras_name(
            source.facts.imports.qualify_dotted(base_name)
        ) is None:
            return True  # a base from another module: its code is not read here
    for call in calls_in(node):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ("add_weight", "add_variable", "Variable"):
            return True
        made = layer_made_by(source, call)
        if made is not None and made != node.name:
            local = source.facts.class_named(made)
            if local is None and made not in WEIGHTLESS_LAYERS:
                return True
            if local is not None and _class_makes_weights(source, local.node, seen):
                return True
    return False


def weighted_sublayers(source: ClassSource, method: FunctionNode) -> Iterator[Sublayer]:
    """`self.x = Dense(4)`, `self.xs = [Dense(4) for _ in ...]`, `self.xs = [Dense(4), Dense(2)]`
    in `method`: the attributes holding layers with weights."""
    self_name = method_self(method)
    for statement in source.statements(method):
        if not isinstance(statement, ast.Assign | ast.AnnAssign) or statement.value is None:
            continue
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if not any(has_weights(source, layer) for layer in _layers_in_value(source, statement.value)):
            continue
        for target in targets:
            attribute = self_attribute(target, self_name)
            if attribute is not None:
                yield Sublayer(attribute, method.name, statement)


def _layers_in_value(source: ClassSource, value: ast.expr) -> list[str]:
    if isinstance(value, ast.Call):
        made = layer_made_by(source, value)
        return [made] if made is not None else []
    if isinstance(value, ast.List | ast.Tuple):
        return [made for element in value.elts for made in _layers_in_value(source, element)]
    if isinstance(value, ast.ListComp):
        return _layers_in_value(source, value.elt)
    return []


@dataclass
class BuildReach:
    """What a build() (and the methods of the class it calls) touches on self."""

    attributes: set[str]  # self.<attr> read anywhere in it
    calls_super_build: bool
    opaque: bool  # it runs code not read here (self(...), self.call(...), an inherited helper)


def build_reach(source: ClassSource, build: FunctionNode) -> BuildReach:
    reach = BuildReach(set(), False, False)
    pending, seen = [build], set()
    while pending:
        method = pending.pop()
        if id(method) in seen:
            continue
        seen.add(id(method))
        self_name = method_self(method)
        for node in ast.walk(method):
            if _is_super_build(node, self_name):
                reach.calls_super_build = True
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == self_name:
                reach.opaque = True  # self(inputs): runs call(), which builds what it uses
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                attribute = self_attribute(node, self_name)
                if attribute is None:
                    continue
                reach.attributes.add(attribute)
                helper, _ = source.find_method(attribute)
                if attribute == "call" or attribute in _ALL_LAYERS:
                    reach.opaque = True
                elif helper is not None:
                    pending.append(helper)
                elif source.inherits(attribute):
                    reach.opaque = True
    return reach


def _is_super_build(node: ast.AST, self_name: str) -> bool:
    """`super().build(...)`, `super(Net, self).build(...)`, `keras.Model.build(self, ...)`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "build"):
        return False
    owner = node.func.value
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) and owner.func.id == "super":
        return True
    return bool(node.args) and isinstance(node.args[0], ast.Name) and node.args[0].id == self_name and (
        dotted_name(owner) is not None
    )
