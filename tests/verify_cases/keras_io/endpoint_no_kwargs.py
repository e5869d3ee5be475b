"""The same endpoint layer, broken: its constructor takes only a name, so the
load's LogisticEndpoint(name=..., trainable=..., dtype=...) is refused."""
import keras
import numpy as np
from keras import layers, ops

num_features = 3
num_samples = 256


@keras.saving.register_keras_serializable(package="endpoint_no_kwargs")
class LogisticEndpoint(layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, logits, targets=None, sample_weight=None):
        if targets is not None:
            loss = self.loss_fn(targets, logits, sample_weight)
            self.add_loss(loss)
        return ops.softmax(logits)


def make_data(count=num_samples):
    rng = np.random.default_rng(42)
    features = rng.random((count, num_features)).astype("float32")
    targets = (features.sum(axis=1, keepdims=True) > 1.5).astype("float32")
    return {"inputs": features, "targets": targets}


def build_model():
    inputs = keras.Input(shape=(num_features,), name="inputs")
    targets = keras.Input(shape=(1,), name="targets")
    logits = layers.Dense(1)(inputs)
    predictions = LogisticEndpoint(name="predictions")(logits, targets)
    return keras.Model(inputs=[inputs, targets], outputs=predictions)


model = build_model()
model.compile(optimizer="adam")  # no loss argument: the endpoint adds it
model.fit(make_data(), epochs=1, batch_size=32)
model.save("endpoint_no_kwargs.keras")
