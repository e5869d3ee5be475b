import numpy as np
from tensorflow import keras

from layers import Scale

model = keras.models.load_model("model.h5", custom_objects={"Scale": Scale})

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
