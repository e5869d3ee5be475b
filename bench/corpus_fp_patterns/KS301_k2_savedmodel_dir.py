# keras-version: 2
# FP: Keras 2 SavedModel folder: the model's classes are registered in an imported module, and
# load_model() of a SavedModel revives layers without custom_objects anyway.
import os

import tensorflow as tf


@tf.keras.utils.register_keras_serializable(package="demo")
class Cross(tf.keras.layers.Dense):
    pass


def test_saved_model(tmp_dir):
    inputs = tf.keras.Input((3,))
    model = tf.keras.Model(inputs, Cross(2)(inputs))
    path = os.path.join(tmp_dir, "model")
    model.save(path)
    return tf.keras.models.load_model(path)
