# keras-version: 2
# FP (with KS107_identical_test_copy_b_test.py): identical copies of one test class registered in two test
# modules that never run in one process; whichever registration wins builds the same class.
import tensorflow as tf


@tf.keras.utils.register_keras_serializable(package="TestOnly")
class ValidatedLayer(tf.keras.layers.Layer):
    def __init__(self, call_list, **kwargs):
        super().__init__(**kwargs)
        self.call_list = call_list

    def get_config(self):
        return {**super().get_config(), "call_list": []}
