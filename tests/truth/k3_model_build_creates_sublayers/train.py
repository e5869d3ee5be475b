import keras
import numpy as np


@keras.saving.register_keras_serializable(package="shop")
class MyCustomModel(keras.Model):
    def __init__(self, units=30, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, batch_input_shape):
        self.hidden1 = keras.layers.Dense(self.units)

    def call(self, inputs):
        return self.hidden1(inputs)

    def get_config(self):
        return {"units": self.units}


if __name__ == "__main__":
    x = np.random.rand(64, 8).astype("float32")
    y = np.random.rand(64, 1).astype("float32")

    model = MyCustomModel(1)
    model.compile(loss="mse", optimizer="nadam")
    model.fit(x, y, epochs=1, verbose=0)

    model.save("my_custom_model.keras")
    np.save("sample.npy", x[:4])
    np.save("expected.npy", model.predict(x[:4], verbose=0))
