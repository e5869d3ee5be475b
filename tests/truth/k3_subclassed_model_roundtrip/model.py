import keras


@keras.saving.register_keras_serializable(package="shop")
class Regressor(keras.Model):
    def __init__(self, hidden_units=16, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden_units
        self.hidden = keras.layers.Dense(hidden_units, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def get_config(self):
        config = super().get_config()
        config.update({"hidden_units": self.hidden_units})
        return config
