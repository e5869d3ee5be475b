import numpy as np
import tf_keras as keras

import model as _model_module  # noqa: F401  (the file names the module; Keras 2 imports it)

model = keras.models.load_model("regressor.keras")

sample = np.load("sample.npy")
if not np.allclose(model.predict(sample, verbose=0), np.load("expected.npy"), atol=1e-5):
    raise AssertionError("predictions changed after reload")
