import keras
import numpy as np

from config import MODEL_PATH

model = keras.models.load_model(MODEL_PATH)

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
