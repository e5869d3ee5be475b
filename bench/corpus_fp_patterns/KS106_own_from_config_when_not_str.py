# keras-version: 3
# FP: the class's own from_config() deserializes the value whenever it is not a plain string.
import keras
from keras.saving import deserialize_keras_object


@keras.saving.register_keras_serializable(package="demo")
class Vectorize(keras.layers.Layer):
    def __init__(self, split="whitespace", **kwargs):
        super().__init__(**kwargs)
        self._split = split

    def call(self, x):
        return self._split(x) if callable(self._split) else x

    def get_config(self):
        return {**super().get_config(), "split": self._split}

    @classmethod
    def from_config(cls, config):
        if not isinstance(config["split"], str):
            config["split"] = deserialize_keras_object(config["split"])
        return cls(**config)
