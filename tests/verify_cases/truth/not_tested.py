"""Classes the verifier cannot put through a whole round trip, and a script
part whose names the definitions-only copy drops."""
import keras
import numpy as np

x_train = np.zeros((8, 4), dtype="float32")
input_dim = x_train.shape[1]  # refers to script data: dropped from the copy


@keras.saving.register_keras_serializable(package="nt")
class Refuses(keras.layers.Layer):  # its constructor fails: it cannot be built
    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        raise RuntimeError("no GPU here")


@keras.saving.register_keras_serializable(package="nt")
class AlwaysDropout(keras.layers.Layer):  # random by design: outputs cannot be compared
    def __init__(self, rate=0.5, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.dropout = keras.layers.Dropout(rate)

    def call(self, x):
        return self.dropout(x, training=True)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


@keras.saving.register_keras_serializable(package="nt")
class SizedByData(keras.layers.Layer):  # its default needs the dropped script name
    def __init__(self, units=input_dim, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def call(self, x):
        return x


@keras.saving.register_keras_serializable(package="nt")
class Fine(keras.layers.Layer):  # still round-trips: no half-imported module
    def call(self, x):
        return x * 2.0


model = keras.Sequential([keras.Input((4,)), Fine()])
inputs = model.input
