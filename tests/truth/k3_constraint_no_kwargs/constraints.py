import keras
from keras import ops


@keras.saving.register_keras_serializable(package="shop")
class WeightClip(keras.constraints.Constraint):
    """Clips every weight into [-c, c]."""

    def __init__(self, c=2.0):
        self.c = c

    def __call__(self, w):
        return ops.clip(w, -self.c, self.c)

    def get_config(self):
        return {"name": self.__class__.__name__, "c": self.c}
