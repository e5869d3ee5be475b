import tensorflow as tf


def clip_unit(t):
    return tf.clip_by_value(t, -1.0, 1.0)
