import keras

from app import blocks
from app.blocks import Block


@keras.saving.register_keras_serializable(package="app")
class Net(keras.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.block = Block(units)
        self.shared = blocks.Shared(units)

    def call(self, x):
        return self.shared(self.block(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}
