# keras-version: 3
# FP: self.dropout first holds a Dropout layer (called while building), then is reassigned to the float
# argument; the config holds the float.
# Also reported here: KS103 (the KS103 'writes name itself' pattern).
import keras


@keras.saving.register_keras_serializable(package="demo")
class Classifier(keras.Model):
    def __init__(self, num_classes, dropout=0.0, **kwargs):
        inputs = keras.Input((8,))
        self.dropout = keras.layers.Dropout(rate=dropout)
        x = self.dropout(inputs)
        outputs = keras.layers.Dense(num_classes)(x)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self.num_classes = num_classes
        self.dropout = dropout

    def get_config(self):
        return {"num_classes": self.num_classes, "dropout": self.dropout, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
