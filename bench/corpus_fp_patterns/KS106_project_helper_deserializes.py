# keras-version: 2
# FP: __init__ turns the value back through the project's own helper (another module), which deserializes a dict.
import tensorflow as tf
from tensorflow.keras import constraints

from KS106_project_helper_deserializes_helpers import get_quantizer


@tf.keras.utils.register_keras_serializable(package="demo")
class QPool(tf.keras.layers.AveragePooling2D):
    def __init__(self, activation=None, **kwargs):
        if activation is not None:
            self.activation = get_quantizer(activation)
        else:
            self.activation = activation
        super().__init__(**kwargs)

    def call(self, x):
        x = super().call(x)
        return self.activation(x) if self.activation is not None else x

    def get_config(self):
        return {**super().get_config(), "activation": constraints.serialize(self.activation)}
