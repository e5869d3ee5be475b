# keras-version: 3
# FP: the test loads the file it has just written; no file from anyone else is opened.
# Also reported here: KS305 (right: the Lambda needs safe_mode=False) and KS301 (the KS301 unlinked pattern).
import os

import keras


def test_lambda_roundtrip(tmp_dir):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda x: x * 2)])
    path = os.path.join(tmp_dir, "m.keras")
    model.save(path)
    return keras.models.load_model(path, safe_mode=False)
