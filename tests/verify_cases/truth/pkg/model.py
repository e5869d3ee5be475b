"""A package module: the relative import needs the package."""
import keras

from .blocks import Shift


@keras.saving.register_keras_serializable(package="pkg")
class Net(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.shift = Shift()
        self.dense = keras.layers.Dense(2)

    def call(self, x):
        return self.dense(self.shift(x))
