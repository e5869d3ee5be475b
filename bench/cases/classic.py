"""The classic example: a subclassed model with a custom layer (the verifier's benchmark case)."""
import keras


class MyCustomLayer(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return inputs @ self.w


class MyModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.block = MyCustomLayer(16)
        self.head = keras.layers.Dense(1)

    def call(self, inputs):
        return self.head(self.block(inputs))


model = MyModel()
model(keras.ops.zeros((1, 8)))
model.save("my_model.keras")
