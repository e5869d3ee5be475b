# keras-version: 3
# FP: self.dropout first holds a Dropout layer, then is reassigned to the float argument; the config holds the float.
import keras


@keras.saving.register_keras_serializable(package="demo")
class Head(keras.layers.Layer):
    def __init__(self, units, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.dropout = keras.layers.Dropout(rate=dropout)
        self.output_dropout = self.dropout
        self.dense = keras.layers.Dense(units)
        self.units = units
        self.dropout = dropout

    def call(self, x):
        return self.dense(self.output_dropout(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units, "dropout": self.dropout}
