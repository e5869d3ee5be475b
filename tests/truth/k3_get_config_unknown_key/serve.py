import numpy as np
import keras

import layers  # noqa: F401  (registers shop>Projection)

model = keras.models.load_model("projection.keras")

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
