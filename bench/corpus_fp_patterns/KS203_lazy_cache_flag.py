# keras-version: 3
# FP: a lazy cache and a lazy build flag: None/False until first use, made again on demand after load.
import keras


@keras.saving.register_keras_serializable(package="demo")
class Swap(keras.layers.Layer):
    def __init__(self, skip_list=None, **kwargs):
        super().__init__(**kwargs)
        self.skip_list = skip_list or []
        self._skip_table = None
        self._built_from_signature = False

    def _table(self):
        if self._skip_table is None:
            self._skip_table = set(self.skip_list)
        return self._skip_table

    def _build_from_signature(self, query):
        self._built_from_signature = True

    def get_config(self):
        return {**super().get_config(), "skip_list": self.skip_list}
