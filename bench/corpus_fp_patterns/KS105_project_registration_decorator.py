# keras-version: 2
# FP: the project's own decorator registers the class (get_custom_objects()[cls.__name__] = cls).
import tensorflow as tf


def register_keras_custom_object(cls):
    tf.keras.utils.get_custom_objects()[cls.__name__] = cls
    return cls


@register_keras_custom_object
class WeightClip(tf.keras.constraints.Constraint):
    def __init__(self, clip_value=1.0):
        self.clip_value = clip_value

    def __call__(self, x):
        return tf.clip_by_value(x, -self.clip_value, self.clip_value)

    def get_config(self):
        return {"clip_value": self.clip_value}
