# keras-version: 2
# FP: the parameter goes to super().__init__ inside a call; the base get_config() writes it.
import tensorflow as tf
from tensorflow.keras import activations, regularizers


@tf.keras.utils.register_keras_serializable(package="demo")
class MyConv(tf.keras.layers.Conv1D):
    def __init__(self, filters, kernel_size, activation=None, kernel_regularizer=None, output_padding=None, **kwargs):
        super().__init__(filters=filters, kernel_size=kernel_size, activation=activations.get(activation),
                         kernel_regularizer=regularizers.get(kernel_regularizer), **kwargs)
        self.output_padding = output_padding

    def get_config(self):
        config = super().get_config()
        config["output_padding"] = self.output_padding
        return config
