import numpy as np

from model import Regressor

x = np.random.rand(64, 8).astype("float32")
y = np.random.rand(64, 1).astype("float32")

model = Regressor(hidden_units=32)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=1, verbose=0)

model.save("regressor.keras")
np.save("sample.npy", x[:4])
np.save("expected.npy", model.predict(x[:4], verbose=0))
