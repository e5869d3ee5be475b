"""The classic subclassed model from many tutorials: it trains, it saves,
and then it cannot be loaded in another process."""

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
        self.custom = MyCustomLayer(hidden)
        self.wrapped = Wrapper(keras.layers.Dense(hidden))
        self.scale = Scale(hidden, scale=2.0)

    def call(self, inputs):
        return self.scale(self.wrapped(self.custom(self.dense(inputs))))


model = MyModel(16)
model.compile(optimizer="adam", loss="mse")
model.fit(np.zeros((8, 4)), np.zeros((8, 16)), epochs=1, verbose=0)
model.save("my_model.keras")
