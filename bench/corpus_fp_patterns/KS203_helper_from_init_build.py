# keras-version: 3
# FP: changed by helpers that __init__ and build() call: they run again when the layer is rebuilt on load.
import keras


@keras.saving.register_keras_serializable(package="demo")
class Block(keras.layers.Layer):
    def __init__(self, filters=4, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self._defaults = {}
        self._fill_defaults()
        self.out_shape = None

    def _fill_defaults(self):
        self._defaults["activation"] = "relu"

    def _build_inner(self, input_shape):
        self.out_shape = (input_shape[0], self.filters)

    def build(self, input_shape):
        self._build_inner(input_shape)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters}
