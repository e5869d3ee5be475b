"""A layer whose loading kills the load process: nothing may pass."""
import os
import sys

import keras


@keras.saving.register_keras_serializable(package="crash")
class Crashes(keras.layers.Layer):
    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def call(self, x):
        return x

    def get_config(self):
        return {**super().get_config(), "units": self.units}

    @classmethod
    def from_config(cls, config):
        if "load" in sys.argv:  # only in the verifier's load processes
            os._exit(9)
        return cls(**config)
