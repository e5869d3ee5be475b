# keras-version: 2
# FP: get_config() only raises: the class declares itself not serializable; nothing is omitted.
import tensorflow as tf


@tf.keras.utils.register_keras_serializable(package="demo")
class CompositeOptimizer(tf.keras.optimizers.Optimizer):
    def __init__(self, optimizers_and_vars, name="CompositeOptimizer"):
        super().__init__(name=name)
        self._optimizers_and_vars = optimizers_and_vars

    def get_config(self):
        raise NotImplementedError("CompositeOptimizer cannot be serialized.")
