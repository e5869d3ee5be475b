"""The classic save/load mistakes, each in a class the verifier can build.

The module-level script at the bottom trains nothing and saves to the
current folder: the verifier must never run it."""
import keras
import numpy as np
import tensorflow as tf


class Wrapper(keras.layers.Layer):  # KS101: a layer argument, no get_config
    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def call(self, x):
        return self.inner(x)


@keras.saving.register_keras_serializable(package="cases")
class NoKwargs(keras.layers.Layer):  # KS104: no **kwargs
    def __init__(self, units=3):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, x):
        return x @ self.w


class Unregistered(keras.layers.Layer):  # KS105
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, x):
        return x @ self.w

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="cases")
class RawVariable(keras.layers.Layer):  # KS202: a raw tf.Variable in Keras 3
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.b = tf.Variable(tf.random.normal((units,)))

    def call(self, x):
        return x + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="cases")
class MissingDefault(keras.layers.Layer):  # KS102: scale is not in the config
    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale

    def call(self, x):
        return x * self.scale

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="cases")
class Net(keras.Model):  # KS302: a subclassed model saved to .h5
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(2)

    def call(self, x):
        return self.dense(x)


@keras.saving.register_keras_serializable(package="cases")
class Correct(keras.layers.Layer):  # round-trips
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, x):
        return x @ self.w

    def get_config(self):
        return {**super().get_config(), "units": self.units}


wrapped = Wrapper(keras.layers.Dense(3))
no_kwargs = NoKwargs(units=2)
unregistered = Unregistered(3)
raw = RawVariable(4)
scaled = MissingDefault(4, scale=2.0)
correct = Correct(3)

inputs = keras.Input(shape=(4,))
model = keras.Model(inputs, correct(inputs))
model.save("model.keras")
Net().save("net.h5")
np.save("script_ran.npy", np.zeros(1))
