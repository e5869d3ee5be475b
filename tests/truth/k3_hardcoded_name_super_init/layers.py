import keras


@keras.saving.register_keras_serializable(package="shop")
class Encoder(keras.layers.Layer):
    def __init__(self, units=16, **kwargs):
        super().__init__(name="encoder", **kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units, activation="relu")

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, inputs):
        return self.dense(inputs)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config
