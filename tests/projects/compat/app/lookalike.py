"""`keras` here is app.fake's own object: no Keras class, nothing to report."""
from .fake import keras, layers


class Scale(keras.Layer):
    def __init__(self, factor):
        self.factor = factor


class Other(layers.Layer):
    def __init__(self, factor):
        self.factor = factor
