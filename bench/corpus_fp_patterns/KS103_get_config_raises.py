# keras-version: 3
# FP: get_config() only raises NotImplementedError: the class is declared not serializable.
import keras


class MetricsList(keras.metrics.Metric):
    def __init__(self, metrics, name="metrics_list"):
        super().__init__(name=name)
        self.metrics = metrics

    def get_config(self):
        raise NotImplementedError
