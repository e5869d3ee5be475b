# fix: --select=KS201
"""KS201 fixes: add_weight moves to build()."""
import keras


class Bias(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.b = self.add_weight(shape=(units,), initializer="zeros", name="b")

    def call(self, x):
        return x + self.b


class WithBuild(keras.layers.Layer):
    def __init__(self, size=3, **kwargs):
        super().__init__(**kwargs)
        self.size = size
        self.scale = self.add_weight(shape=(size,), initializer="ones", name="scale")

    def build(self, input_shape):
        """Make the kernel."""
        self.kernel = self.add_weight(shape=(input_shape[-1], self.size))


class Unstored(keras.layers.Layer):  # not fixed: `units` is not kept on the layer
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.b = self.add_weight(shape=(units,))
