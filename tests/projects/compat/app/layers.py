import numpy as np

from .compat import keras, register


class Scale(keras.layers.Layer):  # expect KS105:1
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor


# An array argument: Keras cannot write it into the auto-config.
@register(package="app")
class Shift(keras.layers.Layer):  # expect KS101:1
    def __init__(self, offset, **kwargs):
        super().__init__(**kwargs)
        self.offset = offset


shift = Shift(offset=np.array([1.0, 2.0]))
