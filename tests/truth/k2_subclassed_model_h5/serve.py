import numpy as np
import tensorflow as tf

from train import Recommender

model = tf.keras.models.load_model("recommender.h5", custom_objects={"Recommender": Recommender})

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
