import tf_keras as keras


class Regressor(keras.Model):
    def __init__(self, hidden_units=16, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden_units
        self.hidden = keras.layers.Dense(hidden_units, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def get_config(self):
        return {**super().get_config(), "hidden_units": self.hidden_units}
