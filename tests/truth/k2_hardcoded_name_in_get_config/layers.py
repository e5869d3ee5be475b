import tensorflow as tf


class Gate(tf.keras.layers.Layer):
    """Scales its input by a sigmoid gate of width dim."""

    def __init__(self, dim=8, **kwargs):
        self.dim = dim
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.gate = self.add_weight(name="gate", shape=(self.dim,), initializer="zeros")

    def call(self, inputs):
        return inputs * tf.sigmoid(self.gate)

    def get_config(self):
        return {"name": self.__class__.__name__, "dim": self.dim}
