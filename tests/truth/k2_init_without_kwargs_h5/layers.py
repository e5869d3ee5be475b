import numpy as np
import tensorflow as tf


class PositionalEncoding(tf.keras.layers.Layer):
    """Adds a fixed sinusoidal code to each feature."""

    def __init__(self, d_model):
        super(PositionalEncoding, self).__init__()
        self.d_model = d_model
        self.code = tf.constant(np.sin(np.arange(d_model) / d_model), dtype=tf.float32)

    def call(self, inputs):
        return inputs + self.code

    def get_config(self):
        config = super().get_config()
        config.update({"d_model": self.d_model})
        return config
