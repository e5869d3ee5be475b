"""Layers that other modules build. Neither is registered, and Block has no **kwargs."""
import keras


class Block(keras.layers.Layer):
    """Built only by app.model.Net's constructor, which builds it again on load."""

    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, x):
        return x @ self.w


class Shared(keras.layers.Layer):  # expect KS105:1
    """Also a layer of train.py's Functional model: its config and name are saved."""

    def __init__(self, units):  # expect KS104:5
        super().__init__()
        self.units = units

    def call(self, x):
        return x * self.units
