# keras-version: 2
# FP: under Keras 2, Model.get_config() returns {} once a subclass overrides it: no name/trainable/dtype.
import tf_keras


class SharpnessAware(tf_keras.Model):
    def __init__(self, model, rho=0.05, name=None):
        super().__init__(name=name)
        self.model = model
        self.rho = rho

    def get_config(self):
        config = super().get_config()
        config.update({"model": tf_keras.layers.serialize(self.model), "rho": self.rho})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config["model"] = tf_keras.layers.deserialize(config.pop("model"), custom_objects=custom_objects)
        return cls(**config)
