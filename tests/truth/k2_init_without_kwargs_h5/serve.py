import numpy as np
import tensorflow as tf

from layers import PositionalEncoding

model = tf.keras.models.load_model("newest_model.h5", custom_objects={"PositionalEncoding": PositionalEncoding})

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
