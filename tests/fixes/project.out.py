# fix: --select=KS301
"""KS301 fix in one file: the class is defined here, so no import is needed."""
import keras


class Proj(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def get_config(self):
        return {**super().get_config(), "units": self.units}


inputs = keras.Input((4,))
model = keras.Model(inputs, Proj(3)(inputs))
model.save("proj.keras")
restored = keras.models.load_model("proj.keras", custom_objects={"Proj": Proj})
