import tensorflow as tf


class Bias(tf.keras.layers.Layer):
    """Adds a learned bias; the classic tutorial makes its weight in __init__."""

    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.b = self.add_weight(name="b", shape=(units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return inputs + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config
