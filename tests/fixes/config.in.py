# fix: --select=KS101,KS102,KS103,KS104
"""KS101, KS102, KS103, KS104 fixes."""
import keras


class Net(keras.Model):  # KS101: plain arguments, stored as attributes
    def __init__(self, hidden, out=2, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.out = out
        self.dense = keras.layers.Dense(hidden)


class Scaled(keras.layers.Layer):  # KS102 with a dict literal, KS104
    def __init__(self, units, scale=1.0):
        super().__init__()
        self.units = units
        self.scale = scale

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Named(keras.layers.Layer):  # KS102 with a returned name
    def __init__(self, units, rate=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self._rate = rate

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


class NoSuper(keras.layers.Layer):  # KS103
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def get_config(self):
        # the config of this layer
        return {"units": self.units}


class NotStored(keras.layers.Layer):  # KS102 not fixed: not stored under an obvious attribute
    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.factor = scale * 2

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class WarmUp(keras.optimizers.schedules.LearningRateSchedule):  # KS101: a schedule, no super().get_config()
    def __init__(self, base=0.01, warmup_steps=10):
        self.base = base
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        return self.base
