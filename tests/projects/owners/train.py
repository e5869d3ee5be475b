import keras

from app.blocks import Shared
from app.model import Net

Net(4).save("net.keras")

inputs = keras.Input((3,))
keras.Model(inputs, Shared(3)(inputs)).save("functional.keras")
