# keras-version: 2
# FP: measured (tf_keras 2.21): a SavedModel (save_format="tf") with Lambda over a lambda or an unregistered
# function loads in a fresh process without safe_mode; only the .keras loader refuses it.
import tensorflow as tf


def flatten_to_dict(t):
    return {"x": t}


def save_model(model, filepath):
    inputs = tf.keras.Input((3,))
    adapter = tf.keras.Model(inputs, tf.keras.layers.Lambda(lambda t: t * 2)(inputs))
    adapter.save(filepath, save_format="tf", save_traces=False)
    model.save(filepath + "_2", save_format="tf")


_FLATTEN = tf.keras.layers.Lambda(flatten_to_dict)
