from app.compat import keras, layers


class Block(layers.Dense):  # expect KS105:1
    pass


block = keras.Sequential([Block(4)])
