import keras


@keras.saving.register_keras_serializable(package="shop")
class GatedDense(keras.layers.Layer):
    """A Dense whose output is scaled by a learned gate."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units)

    def build(self, input_shape):
        self.gate = self.add_weight(name="gate", shape=(self.units,), initializer="ones")

    def call(self, inputs):
        return self.dense(inputs) * self.gate

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config
