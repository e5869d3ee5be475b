import keras
import numpy as np

from layers import Scale

model = keras.models.load_model("model.keras", custom_objects={"Scale": Scale})

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
