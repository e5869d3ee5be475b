from tensorflow import keras


class Scale(keras.layers.Layer):
    """Multiplies its input by a learned per-feature factor."""

    def __init__(self, init_value=1.0, **kwargs):
        super().__init__(**kwargs)
        self.init_value = init_value

    def build(self, input_shape):
        self.factor = self.add_weight(
            name="factor",
            shape=(input_shape[-1],),
            initializer=keras.initializers.Constant(self.init_value),
        )

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        config = super().get_config()
        config.update({"init_value": self.init_value})
        return config
