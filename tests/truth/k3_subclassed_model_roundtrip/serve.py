import keras
import numpy as np

import model as _registers_regressor  # noqa: F401

model = keras.models.load_model("regressor.keras")

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
