"""The classic models from many tutorials: they train, they save, and then
they cannot be loaded in another process."""

import numpy as np
import tensorflow as tf
from tensorflow import keras


class MyCustomLayer(keras.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.units = units
        self.w = self.add_weight(shape=(units,), initializer="random_normal")

    def call(self, inputs):
        return inputs * self.w


class Wrapper(keras.layers.Layer):
    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def call(self, inputs):
        return self.inner(inputs)


class Scale(keras.layers.Layer):
    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale
        self.calls = 0

    def call(self, inputs):
        self.calls += 1
        return inputs * self.scale

    def get_config(self):
        return {"units": self.units}


class MyModel(keras.Model):
    def __init__(self, hidden):
        super().__init__()
        self.dense = keras.layers.Dense(hidden)
        # Built again by MyModel's constructor on load: its own config is never read.
        self.custom = MyCustomLayer(hidden)

    def call(self, inputs):
        return self.custom(self.dense(inputs))


model = MyModel(16)
model.compile(optimizer="adam", loss="mse")
model.fit(np.zeros((8, 4)), np.zeros((8, 16)), epochs=1, verbose=0)
model.save("my_model.keras")

# A Functional model records each layer's config and class name.
inputs = keras.Input((4,))
outputs = Scale(16, scale=2.0)(Wrapper(keras.layers.Dense(16))(inputs))
functional = keras.Model(inputs, outputs)
functional.save("functional.keras")
