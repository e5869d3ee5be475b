import numpy as np
import tensorflow as tf

from layers import Bias

model = tf.keras.models.load_model("biased.keras", custom_objects={"Bias": Bias})

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
