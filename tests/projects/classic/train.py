import keras

from app.layers import Proj

MODEL_PATH = "artifacts/model.keras"


class Scale(keras.layers.Layer):  # expect KS105:1
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


inputs = keras.Input((4,))
outputs = Scale()(Proj(3)(inputs))
model = keras.Model(inputs, outputs)
model.save(MODEL_PATH)
