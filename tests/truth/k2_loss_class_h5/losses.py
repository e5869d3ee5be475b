import tensorflow as tf


class FocalMSE(tf.keras.losses.Loss):
    def __init__(self, gamma=2.0, **kwargs):
        super().__init__(**kwargs)
        self.gamma = gamma

    def call(self, y_true, y_pred):
        error = tf.abs(y_true - y_pred)
        return tf.reduce_mean(error ** self.gamma, axis=-1)

    def get_config(self):
        return {**super().get_config(), "gamma": self.gamma}
