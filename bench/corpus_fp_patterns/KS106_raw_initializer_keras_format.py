# keras-version: 2
# FP for .keras (measured: loads with equal outputs in Keras 3.15.1 and tf_keras 2.21). A raw initializer or
# regularizer object in the config fails only in .h5: ValueError: Unknown config_item: 'GlorotUniform'.
# This file saves .keras only, so it should be silent; with a .h5 save the message should name .h5.
import tensorflow as tf


@tf.keras.utils.register_keras_serializable(package="demo")
class Cell(tf.keras.layers.Layer):
    def __init__(self, units, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.units, self.kernel_initializer = units, kernel_initializer

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units),
                                      initializer=self.kernel_initializer)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "kernel_initializer": self.kernel_initializer}


def train():
    inputs = tf.keras.Input((3,))
    model = tf.keras.Model(inputs, Cell(2, kernel_initializer=tf.keras.initializers.GlorotUniform())(inputs))
    model.save("cell.keras")
