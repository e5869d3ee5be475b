"""The other train.py: its Block needs `scale`; built from a's module it would fail."""
import keras


@keras.saving.register_keras_serializable(package="b")
class Block(keras.layers.Layer):
    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, x):
        return x * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


block = Block(scale=3.0)
