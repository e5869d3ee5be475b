"""The KS codes: a public contract. Same code, same meaning, forever.

Never renumber or reuse a code; retire one by leaving it here, marked.
"""

from __future__ import annotations

# code -> one line: when it fires. The README table says the same.
CODES: dict[str, str] = {
    "KS000": "the plugin could not check a file or a class (internal error, or code nested too deeply)",
    "KS101": "no get_config() and Keras cannot auto-configure the class",
    "KS102": "get_config() omits a constructor parameter",
    "KS103": "get_config() is not built on super().get_config()",
    "KS104": "__init__ does not accept the keywords the base config passes (name/trainable/dtype; loss: reduction)",
    "KS105": "custom class not registered with register_keras_serializable of its own library",
    "KS106": "get_config() returns a nested layer, function or array raw, or nothing deserializes it",
    "KS107": "two classes registered under the same package>name (in a file or across the project)",
    "KS108": "registered through the wrong library's registry",
    "KS109": "a keyword fixed in super().__init__(...) that the saved config also carries: passed twice on load",
    "KS110": "get_config() returns a key __init__ cannot take (nor the base __init__ through **kwargs)",
    "KS111": "@register_keras_serializable without (): the class name is bound to a function",
    "KS201": "weight created in __init__ instead of build()",
    "KS202": "raw tf.Variable held by a Keras 3 layer or model",
    "KS203": "plain Python attribute set in __init__ and changed later: lost on reload",
    "KS204": "layer or weight created inside call()",
    "KS205": "a subclassed model's build() does not build its sublayers (or, Keras 2, does not call super().build())",
    "KS301": "load_model() without the custom_objects (or import) the loaded model needs",
    "KS302": "subclassed model saved to HDF5 (.h5 / save_format='h5')",
    "KS303": "save(..., custom_objects=...): not an argument of save",
    "KS304": "safe_mode=False or enable_unsafe_deserialization(): the file can run arbitrary code",
    "KS305": "Lambda over a lambda or an unregistered function in a saved model",
    "KS306": "unregistered custom loss or metric given to compile() of a saved model",
    "KS307": "Keras 3 path rule broken (extension, save_format, SavedModel folder, ModelCheckpoint)",
    "KS308": "load_weights() into a subclassed model not built or called yet",
    "KS901": "verifier: the model loads but gives different outputs, and no static rule predicted it",
    "KS902": "verifier: saving or loading failed, and no static rule predicted it",
}
