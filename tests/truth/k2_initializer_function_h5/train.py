import numpy as np
import tensorflow as tf


def small_normal(shape, dtype=None):
    return tf.random.normal(shape, stddev=0.01, dtype=dtype)


x = np.random.rand(64, 8).astype("float32")
y = np.random.rand(64, 1).astype("float32")

model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(8,)),
        tf.keras.layers.Dense(16, activation="relu", kernel_initializer=small_normal),
        tf.keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=1, verbose=0)

model.save("net.h5")
np.save("sample.npy", x[:4])
np.save("expected.npy", model.predict(x[:4], verbose=0))
