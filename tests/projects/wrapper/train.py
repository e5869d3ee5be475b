import keras

from lib.layers import Scale

model = keras.Sequential([Scale()])
model.save("model.keras")
