# keras-version: 3
# FP: the function is serialized through a local variable; from_config() turns it back.
import keras


@keras.saving.register_keras_serializable(package="demo")
class Encoder(keras.layers.Layer):
    def __init__(self, units, activation=keras.activations.gelu, **kwargs):
        super().__init__(**kwargs)
        self.units, self.activation = units, activation

    def get_config(self):
        config = super().get_config()
        activation = self.activation
        if not isinstance(activation, (str, dict)):
            activation = keras.activations.serialize(activation)
        config.update({"units": self.units, "activation": activation})
        return config

    @classmethod
    def from_config(cls, config):
        activation = config.pop("activation")
        if isinstance(activation, (str, dict)):
            activation = keras.activations.deserialize(activation)
        return cls(activation=activation, **config)
