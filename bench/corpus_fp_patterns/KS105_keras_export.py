# keras-version: 3
# FP: Keras's own export decorator registers the class (api_export.register_internal_serializable).
from keras.src.api_export import keras_export
from keras.src.layers.layer import Layer


@keras_export("keras.layers.RandomShade")
class RandomShade(Layer):
    def __init__(self, factor=0.5, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
