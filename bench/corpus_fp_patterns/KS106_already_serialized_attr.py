# keras-version: 2
# FP: the attribute already holds a serialized config; from_config() deserializes it.
import copy

import tensorflow as tf


class Bidi(tf.keras.layers.Wrapper):
    def __init__(self, layer, backward_layer=None, **kwargs):
        super().__init__(layer, **kwargs)
        if backward_layer is not None:
            self._backward_layer_config = tf.keras.layers.serialize(backward_layer)

    def get_config(self):
        config = {}
        if hasattr(self, "_backward_layer_config"):
            config["backward_layer"] = self._backward_layer_config
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = copy.deepcopy(config)
        config["layer"] = tf.keras.layers.deserialize(config["layer"], custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = tf.keras.layers.deserialize(backward, custom_objects=custom_objects)
        return cls(backward_layer=backward, **config)
