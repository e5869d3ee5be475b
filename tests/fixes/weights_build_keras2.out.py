# fix: --select=KS205
"""KS205 fixes (Keras 2, the file imports tf_keras): build() ends with super().build()."""
import tf_keras as keras


class NoSuper(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(4)

    def build(self, input_shape):
        self.dense.build(input_shape)
        super().build(input_shape)

    def call(self, x):
        return self.dense(x)


class Empty(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(4)

    def build(self, input_shape):
        super().build(input_shape)

    def call(self, x):
        return self.dense(x)
