# keras-version: 2
# FP: __init__ turns the value back through the project's own helper, which deserializes a dict.
import tensorflow as tf
from tensorflow.keras import constraints
from tensorflow.keras.utils import deserialize_keras_object


def get_quantizer(identifier):
    if isinstance(identifier, dict):
        return deserialize_keras_object(identifier, module_objects=globals())
    return identifier


class QPool(tf.keras.layers.AveragePooling2D):
    def __init__(self, activation=None, **kwargs):
        self.activation = get_quantizer(activation) if activation is not None else None
        super().__init__(**kwargs)

    def get_config(self):
        return {**super().get_config(), "activation": constraints.serialize(self.activation)}
