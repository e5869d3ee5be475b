# keras-version: 3
# FP: get_config() only raises NotImplementedError: the class is declared not serializable.
# Also reported here: KS102 for 'metrics' (the same pattern, for KS102).
import keras


@keras.saving.register_keras_serializable(package="demo")
class MetricsList(keras.metrics.Metric):
    def __init__(self, metrics, name="metrics_list"):
        super().__init__(name=name)
        self.metrics = metrics

    def get_config(self):
        raise NotImplementedError
