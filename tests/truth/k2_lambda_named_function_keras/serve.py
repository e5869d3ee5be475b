import numpy as np
import tensorflow as tf

from transforms import clip_unit

model = tf.keras.models.load_model("clipped.keras", custom_objects={"clip_unit": clip_unit})

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
