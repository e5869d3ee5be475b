"""KS105 fixes, in the file's own spelling."""
from keras.saving import register_keras_serializable
import tensorflow as tf
from keras.layers import Layer
from tensorflow import keras


@keras.utils.register_keras_serializable(package="demo")
class Spelled(keras.layers.Layer):  # `from tensorflow import keras`: keras.utils
    pass


@tf.keras.utils.register_keras_serializable(package="demo")
class ThroughTf(tf.keras.layers.Layer):  # tf.keras.utils
    pass


@register_keras_serializable(package="demo")
class Imported(Layer):  # the keras package; `keras` names tf.keras here: the decorator is imported
    pass


class Silenced(keras.layers.Layer):  # noqa: KS105
    pass
