# keras-version: 3
# FP (wrong failure): with a layer argument Keras 3 has no automatic config, so save() raises
# NotImplementedError (KS101 says so); the TypeError about trainable/dtype never happens.
# Also reported here: KS101 (right: the message that should stay).
import keras


@keras.saving.register_keras_serializable(package="demo")
class Trainer(keras.Model):
    def __init__(self, encoder, projector):
        super().__init__()
        self.encoder = encoder
        self.projector = projector

    def call(self, x):
        return self.projector(self.encoder(x))
