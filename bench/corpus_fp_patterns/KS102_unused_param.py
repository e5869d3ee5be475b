# keras-version: 2
# FP: `seed` is accepted but never stored or used: leaving it out of the config loses nothing.
import tensorflow as tf


@tf.keras.utils.register_keras_serializable(package="demo")
class TopKSelector(tf.keras.layers.Layer):
    def __init__(self, *, sample_size: int, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._sample_size = sample_size

    def get_config(self):
        return dict(sample_size=self._sample_size, **super().get_config())
