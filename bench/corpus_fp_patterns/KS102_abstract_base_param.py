# keras-version: 2
# FP: a base class's get_config omits a parameter that every concrete subclass fixes in its own __init__.
import tensorflow as tf


class AdaptivePool(tf.keras.layers.Layer):
    def __init__(self, reduce_function, output_size, **kwargs):
        super().__init__(**kwargs)
        self.reduce_function = reduce_function
        self.output_size = output_size

    def get_config(self):
        return {**super().get_config(), "output_size": self.output_size}


@tf.keras.utils.register_keras_serializable(package="demo")
class AdaptiveAveragePool(AdaptivePool):
    def __init__(self, output_size, **kwargs):
        super().__init__(tf.reduce_mean, output_size, **kwargs)
