# keras-version: 3
# FP: under Keras 3 the first branch binds (keras.src.saving exists); the fallback is for old TensorFlow.
import tensorflow as tf

try:
    from keras.src.saving import register_keras_serializable
except ImportError:
    from tensorflow.keras.saving import register_keras_serializable


@register_keras_serializable()
class TCN(tf.keras.layers.Layer):
    def __init__(self, nb_filters=64, **kwargs):
        super().__init__(**kwargs)
        self.nb_filters = nb_filters

    def get_config(self):
        return {**super().get_config(), "nb_filters": self.nb_filters}
