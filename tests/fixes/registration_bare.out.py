"""KS111 fixes: the bare decorator gets its (); nothing is stacked on top."""
import keras
from keras.saving import register_keras_serializable


@keras.saving.register_keras_serializable()
class Dotted(keras.layers.Layer):
    pass


@register_keras_serializable()  # a comment stays
class Imported(keras.layers.Layer):
    pass


class Holder:
    @keras.saving.register_keras_serializable()
    class Nested(keras.layers.Layer):
        pass


@keras.saving.register_keras_serializable()
def loss(y_true, y_pred):
    return keras.ops.mean(y_pred - y_true)
