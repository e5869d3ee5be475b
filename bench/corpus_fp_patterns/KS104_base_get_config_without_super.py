# keras-version: 3
# FP: the base class's own get_config() (no super()) writes only name and dtype, which __init__ takes.
# Also reported here: KS103 on the base class (the KS103 'writes name itself' pattern).
import keras


class BaseSpatialDrop(keras.layers.Layer):
    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.rate, self.seed = rate, seed

    def get_config(self):
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


@keras.saving.register_keras_serializable(package="demo")
class SpatialDrop2D(BaseSpatialDrop):
    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = data_format

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
