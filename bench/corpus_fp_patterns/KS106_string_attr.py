# keras-version: 2
# FP: the config holds a string (the symbol's name), not the function; from_config looks it up by name.
import tensorflow as tf


@tf.keras.utils.register_keras_serializable(package="demo")
class OpLambda(tf.keras.layers.Layer):
    def __init__(self, function, symbol=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.symbol = symbol or function.__name__

    def call(self, x):
        return self.function(x)

    def get_config(self):
        config = {"function": self.symbol}
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["function"] = getattr(tf.math, config["function"])
        return cls(**config)
