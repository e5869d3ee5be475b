# keras-version: 3
# FP: a test saves and loads a model built only from built-in layers; other files of the project define
# custom classes (KS301_project_custom_layer.py), but none is in this model. (In keras itself the message lists
# every Keras built-in as a "custom object": up to 26,844 characters.)
import os

import keras


def test_roundtrip(tmp_dir):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    path = os.path.join(tmp_dir, "model.keras")
    model.save(path)
    return keras.models.load_model(path)
