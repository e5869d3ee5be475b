# keras-version: 3
# FP: `weights=` is a path of initial weights to load; the saved file restores the weights themselves.
import keras


class TinyNet(keras.Model):
    def __init__(self, units, weights=None, **kwargs):
        inputs = keras.Input((4,))
        super().__init__(inputs, keras.layers.Dense(units)(inputs), **kwargs)
        self.units = units
        if weights is not None:
            self.load_weights(weights)

    def get_config(self):
        return {"units": self.units, "name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
