import keras
import numpy as np

import activations  # noqa: F401  (registers shop>scaled_tanh)

model = keras.models.load_model("tanh_net.keras")

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
