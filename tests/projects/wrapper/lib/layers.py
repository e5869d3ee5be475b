import keras

from lib.api_export import documented, lib_export
from . import api_export


@lib_export("lib.layers.Scale")
class Scale(keras.layers.Layer):
    pass


@api_export.lib_export("lib.layers.Shift")
class Shift(keras.layers.Layer):
    pass


@documented
class Plain(keras.layers.Layer):  # expect KS105:1
    pass
