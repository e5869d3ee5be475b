# keras-version: 3
# FP: lora_enabled is restored: get_config writes lora_rank and __init__ calls enable_lora() from it.
import keras


@keras.saving.register_keras_serializable(package="demo")
class LoraDense(keras.layers.Layer):
    def __init__(self, units, lora_rank=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.lora_enabled = False
        self.lora_rank = None
        if lora_rank:
            self.enable_lora(lora_rank)

    def enable_lora(self, rank):
        self.lora_enabled = True
        self.lora_rank = rank

    def get_config(self):
        config = {**super().get_config(), "units": self.units}
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
        return config
