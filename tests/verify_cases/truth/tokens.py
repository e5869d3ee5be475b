"""An Embedding-first layer, named like train.py's Block: its table in
pyproject.toml is keyed `tokens.Block`; its probe must be token ids."""
import keras


@keras.saving.register_keras_serializable(package="tokens")
class Block(keras.layers.Layer):
    def __init__(self, vocab, **kwargs):
        super().__init__(**kwargs)
        self.vocab = vocab
        self.embed = keras.layers.Embedding(vocab, 4)

    def call(self, ids):
        return self.embed(ids)

    def get_config(self):
        return {**super().get_config(), "vocab": self.vocab}
