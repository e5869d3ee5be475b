"""A correct training script the way keras-io writes them: relative data
path, a data set from the Keras cache, a checkpoint loaded back, the model
saved with keras.saving.save_model and loaded back, MNIST loaded; plus a Lambda model."""
import keras
import numpy as np

x = np.load("data/x.npy")  # relative to the script's folder
cached = keras.utils.get_file("tiny.npz", origin="https://example.invalid/tiny.npz")  # in ~/.keras/datasets
y = np.load(cached)["y"]
(digits, labels), _ = keras.datasets.mnist.load_data()  # offline: synthetic, same shapes
assert digits.shape[1:] == (28, 28) and digits.dtype == np.uint8 and labels.max() < 10

inputs = keras.Input((4,))
model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
model.compile(optimizer="adam", loss="mse")
checkpoint = keras.callbacks.ModelCheckpoint("best.weights.h5", save_weights_only=True)
model.fit(x, y, epochs=5, verbose=0, callbacks=[checkpoint])
model.load_weights("best.weights.h5")
keras.saving.save_model(model, "final.keras")
reloaded = keras.models.load_model("final.keras")
np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5)

doubled = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda t: t * 2.0)])
doubled.save("doubled.keras")
