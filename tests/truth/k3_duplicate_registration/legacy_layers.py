import keras


@keras.saving.register_keras_serializable(package="shop")
class Scale(keras.layers.Layer):
    """The old version, kept for an old notebook: it ignores the factor."""

    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
