# fix: --select=KS201
"""KS201 fixes: add_weight moves to build()."""
import keras


class Bias(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, x):
        return x + self.b


class WithBuild(keras.layers.Layer):
    def __init__(self, size=3, **kwargs):
        super().__init__(**kwargs)
        self.size = size

    def build(self, input_shape):
        """Make the kernel."""
        self.scale = self.add_weight(shape=(self.size,), initializer="ones", name="scale")
        self.kernel = self.add_weight(shape=(input_shape[-1], self.size))


class Unstored(keras.layers.Layer):  # not fixed: `units` is not kept on the layer
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.b = self.add_weight(shape=(units,))
