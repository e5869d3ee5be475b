# keras-version: 2
# FP: a guarded one-time add_weight in call(): made once on first call, tracked and saved.
import tensorflow as tf


@tf.keras.utils.register_keras_serializable(package="demo")
class SegmentBias(tf.keras.layers.Layer):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self._segment_embedding = None

    def call(self, x):
        if self._segment_embedding is None:
            self._segment_embedding = self.add_weight("seg_embed", shape=[self.units], initializer="zeros")
        return x + self._segment_embedding

    def get_config(self):
        return {**super().get_config(), "units": self.units}
