import tf_keras as keras


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
        config.update({"inner": keras.layers.serialize(self.inner)})
        return config

    @classmethod
    def from_config(cls, config):
        config["inner"] = keras.layers.deserialize(config["inner"])
        return cls(**config)
