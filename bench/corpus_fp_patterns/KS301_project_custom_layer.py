# keras-version: 3
# Companion of the KS301 patterns: an unregistered custom class elsewhere in the project (not in their models).
# Reported here: KS105 (right: Scale is unregistered); the KS301 snippets need one such class in the project.
import keras


class Scale(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
