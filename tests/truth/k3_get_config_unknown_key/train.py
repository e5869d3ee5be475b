import numpy as np
import keras

from layers import Projection

x = np.random.rand(64, 8).astype("float32")
y = np.random.rand(64, 1).astype("float32")

inputs = keras.Input(shape=(8,))
hidden = Projection(4)(inputs)
outputs = keras.layers.Dense(1)(hidden)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=1, verbose=0)

model.save("projection.keras")
np.save("sample.npy", x[:4])
np.save("expected.npy", model.predict(x[:4], verbose=0))
