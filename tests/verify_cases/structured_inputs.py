"""Layers whose call() takes a pair or a dict: the verifier's probe input must have that structure."""
import keras


@keras.saving.register_keras_serializable(package="probes")
class PairSum(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units)

    def call(self, inputs):
        left, right = inputs
        return self.dense(left) + self.dense(right)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="probes")
class Fusion(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.image = keras.layers.Dense(units)
        self.text = keras.layers.Dense(units)

    def call(self, inputs):
        return self.image(inputs["image"]) * self.text(inputs["text"])

    def get_config(self):
        return {**super().get_config(), "units": self.units}


# One tensor: indexing its batch rows is not a list of inputs.
@keras.saving.register_keras_serializable(package="probes")
class Shift(keras.layers.Layer):
    def call(self, inputs):
        return inputs - inputs[0]


pair = PairSum(4)
shift = Shift()
fusion = Fusion(4)
