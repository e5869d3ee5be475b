import tensorflow as tf


class SSDLoss:
    """The detection loss, written as a class so its settings travel with it."""

    def __init__(self, neg_pos_ratio=3, alpha=1.0):
        self.neg_pos_ratio = neg_pos_ratio
        self.alpha = alpha

    def compute_loss(self, y_true, y_pred):
        return self.alpha * tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)
