# keras-version: 3
# FP: per-call scratch state, rebuilt on every call(): nothing to save.
import keras


@keras.saving.register_keras_serializable(package="demo")
class Stack(keras.layers.Layer):
    def __init__(self, depth=2, **kwargs):
        super().__init__(**kwargs)
        self.depth = depth
        self.blocks = [keras.layers.Dense(4) for _ in range(depth)]
        self.layers_outputs = []

    def call(self, x):
        self.layers_outputs = []
        for block in self.blocks:
            x = block(x)
            self.layers_outputs.append(x)
        return x

    def get_config(self):
        return {**super().get_config(), "depth": self.depth}
