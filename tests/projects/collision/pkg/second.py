import keras

from .first import ScaleA


@keras.saving.register_keras_serializable(package="oracle", name="Scale")  # expect KS107:1
class ScaleB(keras.layers.Layer):
    pass


# A subclass of a Keras class from another module is a Keras class too.
class Child(ScaleA):  # expect KS105:1
    pass
