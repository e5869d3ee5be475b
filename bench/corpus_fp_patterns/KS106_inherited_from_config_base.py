# keras-version: 3
# Companion of KS106_inherited_from_config.py: the base class, in another module, deserializes in from_config().
import keras


class Preprocessor(keras.layers.Layer):
    def __init__(self, video_converter=None, **kwargs):
        super().__init__(**kwargs)
        self.video_converter = video_converter

    @classmethod
    def from_config(cls, config):
        if isinstance(config.get("video_converter"), dict):
            config["video_converter"] = keras.layers.deserialize(config["video_converter"])
        return cls(**config)
