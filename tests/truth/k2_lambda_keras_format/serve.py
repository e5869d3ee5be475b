import numpy as np
import tensorflow as tf

model = tf.keras.models.load_model("doubler.keras")

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
