from app.api_export import app_export
from app.compat import keras, layers


class Block(layers.Dense):  # expect KS105:1
    pass


# Registered by app_export (through app.compat's keras): no KS105.
@app_export("app.Exported")
class Exported(keras.layers.Layer):
    pass


block = keras.Sequential([Block(4), Exported()])
