import keras

from lib import utils
from lib.utils import register_keras_custom_object, registry_names


@utils.register_keras_custom_object
class WeightClip(keras.constraints.Constraint):
    def __init__(self, clip_value=1.0):
        self.clip_value = clip_value

    def get_config(self):
        return {"clip_value": self.clip_value}


@register_keras_custom_object
class NonNeg(keras.constraints.Constraint):
    def get_config(self):
        return {}


@registry_names
class Listed(keras.constraints.Constraint):  # expect KS105:1
    def get_config(self):
        return {}
