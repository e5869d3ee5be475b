import numpy as np

from model import Regressor

model = Regressor(hidden_units=32)
model.load_weights("regressor.weights.h5")

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
