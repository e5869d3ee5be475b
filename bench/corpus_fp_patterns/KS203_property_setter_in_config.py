# keras-version: 3
# FP: the value is set through a property setter (a subclass's __init__ assigns self.image_converter = ...);
# get_config() writes it serialized and from_config() restores it.
import keras


class BasePreprocessor(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._image_converter = None

    @property
    def image_converter(self):
        return self._image_converter

    @image_converter.setter
    def image_converter(self, value):
        self._image_converter = value

    def get_config(self):
        config = super().get_config()
        if self.image_converter is not None:
            config["image_converter"] = keras.layers.serialize(self.image_converter)
        return config

    @classmethod
    def from_config(cls, config):
        if isinstance(config.get("image_converter"), dict):
            config["image_converter"] = keras.layers.deserialize(config["image_converter"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="demo")
class ImagePreprocessor(BasePreprocessor):
    def __init__(self, image_converter=None, **kwargs):
        super().__init__(**kwargs)
        self.image_converter = image_converter
