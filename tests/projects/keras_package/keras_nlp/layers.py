"""A project whose top package is one Keras 3 imports by itself (keras, keras_hub, keras_cv,
keras_nlp): an unregistered class of it loads from .keras (no KS105), not from .h5 (KS301 there)."""
import keras


class Scale(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
