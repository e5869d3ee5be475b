# keras-version: 3
# FP: the inherited from_config() (KS106_inherited_from_config_base.py, another module) deserializes the value.
import keras
from KS106_inherited_from_config_base import Preprocessor


@keras.saving.register_keras_serializable(package="demo")
class VideoPreprocessor(Preprocessor):
    def get_config(self):
        config = super().get_config()
        if self.video_converter is not None:
            config["video_converter"] = keras.layers.serialize(self.video_converter)
        return config
