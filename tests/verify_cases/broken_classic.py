"""The classic broken example: a subclassed model with a custom layer that
has no get_config, no **kwargs, no registration, and its weight made in
__init__; saved, then loaded in another process."""
import keras


class MyCustomLayer(keras.layers.Layer):
    def __init__(self, units, scale=1.0):
        super().__init__()
        self.units = units
        self.scale = scale
        self.w = self.add_weight(shape=(units,), initializer="random_normal", name="w")

    def call(self, inputs):
        return inputs * self.w * self.scale

    def get_config(self):
        return {"units": self.units}


class MyModel(keras.Model):
    def __init__(self, units):
        super().__init__()
        self.units = units
        self.block = MyCustomLayer(units, scale=2.0)

    def call(self, inputs):
        return self.block(inputs)


layer = MyCustomLayer(4, scale=2.0)
model = MyModel(4)
model.save("my_model.keras")
