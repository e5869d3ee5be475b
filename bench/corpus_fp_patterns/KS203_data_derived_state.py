# keras-version: 3
# FP: state computed from data by adapt()/index(), not configuration (weights or re-indexing carry it).
import keras


@keras.saving.register_keras_serializable(package="demo")
class Retrieval(keras.layers.Layer):
    def __init__(self, k=10, **kwargs):
        super().__init__(**kwargs)
        self.k = k
        self._searcher = None
        self._identifiers = None

    def index(self, candidates, identifiers):
        self._searcher = sorted(candidates)
        self._identifiers = self.add_weight(name="identifiers", shape=(len(identifiers),), trainable=False)
        return self

    def get_config(self):
        return {**super().get_config(), "k": self.k}
