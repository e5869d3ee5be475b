import tf_keras as keras
import numpy as np


@keras.saving.register_keras_serializable(package="shop")
class TokenScale(keras.layers.Layer):
    def __init__(self, units, scale, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale
        self.proj = keras.layers.Dense(units)

    def call(self, inputs):
        return self.proj(inputs) * self.scale

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


if __name__ == "__main__":
    x = np.random.rand(64, 8).astype("float32")
    y = np.random.rand(64, 1).astype("float32")

    inputs = keras.Input(shape=(8,))
    hidden = TokenScale(4, scale=3.0)(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)

    model.save("model.keras")
    np.save("sample.npy", x[:4])
    np.save("expected.npy", model.predict(x[:4], verbose=0))
