import numpy as np
import tensorflow as tf

x = np.random.rand(64, 8).astype("float32")
y = np.random.rand(64, 1).astype("float32")

model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(8,)),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Lambda(lambda t: t * 2.0),
        tf.keras.layers.Dense(1),
    ]
)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=1, verbose=0)

model.save("doubler.h5")
np.save("sample.npy", x[:4])
np.save("expected.npy", model.predict(x[:4], verbose=0))
