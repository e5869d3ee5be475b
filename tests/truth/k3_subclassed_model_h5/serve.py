import keras
import numpy as np

from train import TwoTower

model = keras.models.load_model("two_tower.h5", custom_objects={"TwoTower": TwoTower})

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
