import keras


@keras.saving.register_keras_serializable(package="shop")
class Head(keras.layers.Layer):
    def __init__(self, units=1, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def call(self, inputs):
        projection = keras.layers.Dense(self.units)
        return projection(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
