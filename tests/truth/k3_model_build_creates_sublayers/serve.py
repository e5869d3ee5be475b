import keras
import numpy as np

from train import MyCustomModel

model = keras.models.load_model("my_custom_model.keras", custom_objects={"MyCustomModel": MyCustomModel})

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
