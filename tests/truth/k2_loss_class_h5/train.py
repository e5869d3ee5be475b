import numpy as np
import tensorflow as tf

from losses import FocalMSE

x = np.random.rand(64, 8).astype("float32")
y = np.random.rand(64, 1).astype("float32")

model = tf.keras.Sequential(
    [tf.keras.Input(shape=(8,)), tf.keras.layers.Dense(8, activation="relu"), tf.keras.layers.Dense(1)]
)
model.compile(optimizer="adam", loss=FocalMSE(gamma=2.0))
model.fit(x, y, epochs=1, verbose=0)

model.save("focal.h5")
np.save("sample.npy", x[:4])
np.save("expected.npy", model.predict(x[:4], verbose=0))
