# keras-version: 3
# FP: the base class's own get_config() (no super()) writes only name and dtype, which __init__ takes.
import keras


class BaseSpatialDrop(keras.layers.Layer):
    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.rate, self.seed = rate, seed

    def get_config(self):
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


class SpatialDrop2D(BaseSpatialDrop):
    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = data_format

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
