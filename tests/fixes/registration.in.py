"""KS105 fixes, in the file's own spelling."""
import tensorflow as tf
from keras.layers import Layer
from tensorflow import keras


class Spelled(keras.layers.Layer):  # `from tensorflow import keras`: keras.utils
    pass


class ThroughTf(tf.keras.layers.Layer):  # tf.keras.utils
    pass


class Imported(Layer):  # the keras package; `keras` names tf.keras here: the decorator is imported
    pass


class Silenced(keras.layers.Layer):  # noqa: KS105
    pass
