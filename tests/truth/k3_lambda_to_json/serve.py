import keras
import numpy as np

with open("model.json") as f:
    model = keras.models.model_from_json(f.read())
model.load_weights("model.weights.h5")

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
