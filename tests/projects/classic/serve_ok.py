import keras

import app.layers
from train import Scale

model = keras.models.load_model("artifacts/model.keras", custom_objects={"Scale": Scale})
with keras.saving.custom_object_scope({"Scale": Scale}):
    again = keras.models.load_model("artifacts/model.keras")
