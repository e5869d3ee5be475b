import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="shop")
class Bias(keras.layers.Layer):
    def build(self, input_shape):
        self.b = tf.Variable(tf.random.normal((input_shape[-1],)), trainable=True)

    def call(self, inputs):
        return inputs + self.b
