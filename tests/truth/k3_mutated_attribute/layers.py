import keras


@keras.saving.register_keras_serializable(package="shop")
class Temperature(keras.layers.Layer):
    """Divides logits by a temperature that calibration sets after training."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.temperature = 1.0

    def call(self, inputs):
        return inputs / self.temperature
