import keras


@keras.saving.register_keras_serializable(package="shop")
class Offset(keras.layers.Layer):
    """Adds a constant to its input."""

    def __init__(self, offset):
        super().__init__()
        self.offset = offset

    def call(self, inputs):
        return inputs + self.offset

    def get_config(self):
        config = super().get_config()
        config.update({"offset": self.offset})
        return config
