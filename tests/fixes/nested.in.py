# fix: --select=KS106
"""KS106 fixes: nested layers and functions serialized, rebuilt in from_config()."""
import keras
import tensorflow as tf
from keras import layers


class Wrapper(layers.Layer):
    def __init__(self, inner: layers.Layer, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def get_config(self):
        return {**super().get_config(), "inner": self.inner}


class ApplyFn(keras.layers.Layer):
    def __init__(self, fn=tf.nn.relu, **kwargs):
        super().__init__(**kwargs)
        self.fn = fn

    def get_config(self):
        config = super().get_config()
        config["fn"] = self.fn
        return config


class HalfDone(keras.layers.Layer):
    def __init__(self, inner: layers.Layer, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def get_config(self):
        return {**super().get_config(), "inner": keras.saving.serialize_keras_object(self.inner)}
