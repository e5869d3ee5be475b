# fix: --select=KS205
"""KS205 fixes (Keras 3): build() builds the sublayers that call() applies to its input."""
import keras


class Scaled(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(4)

    def build(self, input_shape):
        """Own weight only."""
        self.dense.build(input_shape)
        self.b = self.add_weight(name="b", shape=(4,), initializer="ones")

    def call(self, inputs):
        return self.dense(inputs) + self.b


class Empty(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.left = keras.layers.Dense(4)
        self.right = keras.layers.Dense(4)

    def build(self, shape):
        self.left.build(shape)
        self.right.build(shape)

    def call(self, x, training=None):
        return self.left(x) + self.right(x)


class Chain(keras.Model):  # not fixed: self.second's input is self.first's output
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = keras.layers.Dense(3)
        self.second = keras.layers.Dense(4)

    def build(self, input_shape):
        super().build(input_shape)

    def call(self, x):
        return self.second(self.first(x))
