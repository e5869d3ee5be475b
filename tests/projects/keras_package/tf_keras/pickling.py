"""Keras's own generic loader: it loads the user's model, not this project's classes."""
import os
import tempfile

import tf_keras


class Internal(tf_keras.layers.Layer):  # expect KS105:1
    pass


def deserialize_model_from_bytecode(serialized_model):
    filepath = os.path.join(tempfile.mkdtemp(), "model.keras")
    with open(filepath, "wb") as handle:
        handle.write(serialized_model)
    return tf_keras.saving.load_model(filepath)
