import keras
import numpy as np

from losses import SSDLoss

x = np.random.rand(64, 8).astype("float32")
y = np.random.rand(64, 1).astype("float32")

model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss=SSDLoss(neg_pos_ratio=3, alpha=1.0).compute_loss)
model.fit(x, y, epochs=1, verbose=0)

model.save("ssd7.keras")
np.save("sample.npy", x[:4])
np.save("expected.npy", model.predict(x[:4], verbose=0))
