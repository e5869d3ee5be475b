# keras-version: 3
# FP: attributes set by compile() are training state, not configuration (compile() runs again after load).
import keras


@keras.saving.register_keras_serializable(package="demo")
class ProbeTrainer(keras.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units)
        self.probe_metrics = []

    def compile(self, probe_metrics=None, **kwargs):
        super().compile(**kwargs)
        self.probe_metrics = probe_metrics or []

    def call(self, x):
        return self.dense(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
