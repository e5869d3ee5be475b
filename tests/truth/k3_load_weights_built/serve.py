import numpy as np

from model import Regressor

sample = np.load("sample.npy")
model = Regressor(hidden_units=32)
model(sample)  # build the variables before restoring them
model.load_weights("regressor.weights.h5")

if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
