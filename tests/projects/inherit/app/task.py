"""A base class whose get_config another module's subclasses build on."""
import keras


@keras.saving.register_keras_serializable(package="app")
class Task(keras.Model):
    def __init__(self, backbone=None, **kwargs):
        super().__init__(**kwargs)
        self.backbone = backbone

    def get_config(self):
        config = super().get_config()
        config["backbone"] = keras.layers.serialize(self.backbone)
        return config

    @classmethod
    def from_config(cls, config):
        config["backbone"] = keras.layers.deserialize(config["backbone"])
        return cls(**config)


class Middle(Task):
    """A class of the same module between Task and the subclasses."""
