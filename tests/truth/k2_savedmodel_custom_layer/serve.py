import numpy as np
from tensorflow import keras

# The SavedModel folder carries the traced graph: no Python code is needed.
model = keras.models.load_model("export/scaler")

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
