"""A registered model whose constructor builds a layer that is neither registered
nor configurable (no get_config, no **kwargs): the model's config is saved, and
loading builds the layer again, so the model round-trips."""
import keras


class Block(keras.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")

    def call(self, x):
        return x @ self.w


@keras.saving.register_keras_serializable(package="cases")
class Net(keras.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.block = Block(units)

    def call(self, x):
        return self.block(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


net = Net(4)
