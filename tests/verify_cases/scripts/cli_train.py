"""A training script with a required argument; its subclassed model's config
drops `scale`, so the loaded model computes something else (KS102)."""
import argparse

import keras
import numpy as np


@keras.saving.register_keras_serializable(package="cli")
class Scaled(keras.Model):
    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale
        self.dense = keras.layers.Dense(units)

    def call(self, x):
        return self.dense(x) * self.scale

    def get_config(self):
        return {**super().get_config(), "units": self.units}


parser = argparse.ArgumentParser()
parser.add_argument("--units", type=int, required=True)
arguments = parser.parse_args()
x = np.random.default_rng(1).standard_normal((16, 4)).astype("float32")
model = Scaled(arguments.units, scale=2.0)
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.zeros((16, arguments.units)), epochs=3, verbose=0)
model.save("scaled.keras")
