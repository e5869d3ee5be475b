# keras-version: 2
# FP: the module registers its classes when imported, through keras.utils.get_custom_objects().update().
from tensorflow import keras


class Sinusoidal(keras.initializers.Initializer):
    def __call__(self, shape, dtype=None):
        return keras.backend.zeros(shape, dtype=dtype)


custom_objects = {"Sinusoidal": Sinusoidal}
keras.utils.get_custom_objects().update(custom_objects)
