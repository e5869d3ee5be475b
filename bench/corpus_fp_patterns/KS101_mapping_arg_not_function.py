# keras-version: 2
# FP: io_config is a Mapping[str, int] (plain values, auto-configurable); only a property of the class has its name.
from typing import Mapping, Optional

import tensorflow as tf


@tf.keras.utils.register_keras_serializable(package="demo")
class Sink(tf.keras.layers.Layer):
    def __init__(self, *, io_config: Optional[Mapping[str, int]] = None):
        super().__init__()
        self._io_config = io_config.copy() if io_config else {}

    @property
    def io_config(self) -> Mapping[str, int]:
        return self._io_config

    def call(self, inputs):
        return inputs


def build_sink(output):
    io_config = {"x": 0}
    return Sink(io_config=io_config)(output)
