# keras-version: 3
# FP: weightless layers made in call() (Add, Concatenate, Dropout, pooling, Flatten, Lambda): nothing to track or save.
import keras


@keras.saving.register_keras_serializable(package="demo")
class Mix(keras.layers.Layer):
    def __init__(self, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.dense = keras.layers.Dense(4)

    def call(self, x):
        y = keras.layers.Dropout(self.rate)(self.dense(x))
        y = keras.layers.Add()([x, y])
        return keras.layers.Concatenate()([x, y])

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}
