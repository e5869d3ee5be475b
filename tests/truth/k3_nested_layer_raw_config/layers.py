import keras


@keras.saving.register_keras_serializable(package="shop")
class Residual(keras.layers.Layer):
    """Adds the output of an inner layer to its input."""

    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def call(self, inputs):
        return inputs + self.inner(inputs)

    def get_config(self):
        config = super().get_config()
        config.update({"inner": self.inner})
        return config
