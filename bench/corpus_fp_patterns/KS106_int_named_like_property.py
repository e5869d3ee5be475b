# keras-version: 2
# FP: sample_size is an int; only another class in the file has a property of that name.
import tensorflow as tf


class Sampler:
    @property
    def sample_size(self) -> int:
        return 3


class UniformSelector(tf.keras.layers.Layer):
    def __init__(self, *, sample_size: int, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._sample_size, self._seed = sample_size, seed

    def get_config(self):
        return dict(sample_size=self._sample_size, seed=self._seed, **super().get_config())
