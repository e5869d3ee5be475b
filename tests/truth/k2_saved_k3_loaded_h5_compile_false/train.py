import numpy as np
import tf_keras

x = np.random.rand(64, 8).astype("float32")
y = np.random.rand(64, 1).astype("float32")

model = tf_keras.Sequential(
    [tf_keras.Input(shape=(8,)), tf_keras.layers.Dense(8, activation="relu"), tf_keras.layers.Dense(1)]
)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=1, verbose=0)

model.save("legacy.h5")
np.save("sample.npy", x[:4])
np.save("expected.npy", model.predict(x[:4], verbose=0))
