"""A functional regression model with its own loss and metric (keras-io
style): both registered functions, plus a registered scaling layer."""
import keras
from keras import layers, ops

num_features = 8
hidden_units = [16, 8]
delta = 1.5


@keras.saving.register_keras_serializable(package="losses")
def huber_like(y_true, y_pred):
    error = ops.abs(y_true - y_pred)
    return ops.mean(ops.where(error < delta, 0.5 * error**2, delta * (error - 0.5 * delta)), axis=-1)


@keras.saving.register_keras_serializable(package="metrics")
def mean_abs_pct(y_true, y_pred):
    return ops.mean(ops.abs((y_true - y_pred) / (ops.abs(y_true) + 1.0)), axis=-1)


@keras.saving.register_keras_serializable(package="losses")
class Rescale(layers.Layer):
    def __init__(self, factor, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.offset = offset

    def call(self, inputs):
        return inputs * self.factor + self.offset

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "offset": self.offset}


def build_regressor(units=hidden_units):
    inputs = keras.Input(shape=(num_features,))
    x = Rescale(1.0 / 10.0, offset=-0.5)(inputs)
    for size in units:
        x = layers.Dense(size, activation="relu")(x)
    return keras.Model(inputs, layers.Dense(1)(x))


(x_train, y_train), _ = keras.datasets.california_housing.load_data()
model = build_regressor()
model.compile(optimizer="adam", loss=huber_like, metrics=[mean_abs_pct])
model.fit(x_train, y_train / 100000.0, epochs=1, batch_size=64)
model.save("regressor.keras")
