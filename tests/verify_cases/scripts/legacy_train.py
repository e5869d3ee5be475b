"""Keras 2 through tf_keras, with no TF_USE_LEGACY_KERAS in sight: the
verifier must run it under Keras 2, cap fit and redirect the save."""
import numpy as np
import tf_keras


@tf_keras.utils.register_keras_serializable(package="legacy")
class Scale(tf_keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


x = np.random.default_rng(2).standard_normal((16, 4)).astype("float32")
model = tf_keras.Sequential([tf_keras.Input((4,)), tf_keras.layers.Dense(3), Scale(3.0)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, np.zeros((16, 3)), epochs=1_000_000, verbose=0)  # uncapped, this never ends
model.save("legacy.keras")
