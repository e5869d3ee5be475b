"""The same gated residual network, broken: GatedResidualNetwork's
get_config() leaves out dropout_rate, a required constructor argument."""
import keras
from keras import layers

num_features = 13
encoding_size = 8
dropout_rate = 0.15


@keras.saving.register_keras_serializable(package="grn_broken")
class GatedLinearUnit(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.linear = layers.Dense(units)
        self.sigmoid = layers.Dense(units, activation="sigmoid")

    def call(self, inputs):
        return self.linear(inputs) * self.sigmoid(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="grn_broken")
class GatedResidualNetwork(layers.Layer):
    def __init__(self, units, dropout_rate, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dropout_rate = dropout_rate
        self.elu_dense = layers.Dense(units, activation="elu")
        self.linear_dense = layers.Dense(units)
        self.dropout = layers.Dropout(dropout_rate)
        self.gated_linear_unit = GatedLinearUnit(units)
        self.layer_norm = layers.LayerNormalization()
        self.project = layers.Dense(units)

    def call(self, inputs):
        x = self.dropout(self.linear_dense(self.elu_dense(inputs)))
        return self.layer_norm(self.project(inputs) + self.gated_linear_unit(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def create_model(encoding_size, dropout_rate=dropout_rate):
    inputs = keras.Input(shape=(num_features,))
    x = layers.Dense(encoding_size)(inputs)
    x = GatedResidualNetwork(encoding_size, dropout_rate)(x)
    x = GatedLinearUnit(encoding_size)(x)
    return keras.Model(inputs=inputs, outputs=layers.Dense(1)(x))


(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
model = create_model(encoding_size)
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, batch_size=16, epochs=3)
model.save("grn_broken.keras")
