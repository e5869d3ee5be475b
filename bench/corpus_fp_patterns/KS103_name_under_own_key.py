# keras-version: 3
# FP: the name is written under the constructor's own key (model_name), passed on as name= to super().
import keras


@keras.saving.register_keras_serializable(package="demo")
class RegNet(keras.Model):
    def __init__(self, depth, model_name="regnet", **kwargs):
        inputs = keras.Input((8,))
        super().__init__(inputs, keras.layers.Dense(depth)(inputs), name=model_name, **kwargs)
        self.depth, self.model_name = depth, model_name

    def get_config(self):
        return {"depth": self.depth, "model_name": self.model_name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
