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
        return {**super().get_config(), "inner": keras.layers.serialize(self.inner)}

    @classmethod
    def from_config(cls, config):
        config["inner"] = keras.layers.deserialize(config["inner"])
        return cls(**config)


class ApplyFn(keras.layers.Layer):
    def __init__(self, fn=tf.nn.relu, **kwargs):
        super().__init__(**kwargs)
        self.fn = fn

    def get_config(self):
        config = super().get_config()
        config["fn"] = keras.activations.serialize(self.fn)
        return config

    @classmethod
    def from_config(cls, config):
        config["fn"] = keras.activations.get(config["fn"])
        return cls(**config)


class HalfDone(keras.layers.Layer):
    def __init__(self, inner: layers.Layer, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def get_config(self):
        return {**super().get_config(), "inner": keras.saving.serialize_keras_object(self.inner)}

    @classmethod
    def from_config(cls, config):
        config["inner"] = keras.saving.deserialize_keras_object(config["inner"])
        return cls(**config)
