"""Written the way keras-io examples are: module constants, arithmetic on
them, a list of them, a helper function whose parameters default to them."""
import keras
from keras import layers

image_size = 32
patch_size = 8
num_patches = (image_size // patch_size) ** 2
projection_dim = 16
num_heads = 2
transformer_units = [projection_dim * 2, projection_dim]


@keras.saving.register_keras_serializable(package="kio")
class MLPBlock(layers.Layer):
    def __init__(self, hidden_units, dropout_rate, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden_units
        self.dropout_rate = dropout_rate
        self.dense = [layers.Dense(units, activation="gelu") for units in hidden_units]
        self.dropout = layers.Dropout(dropout_rate)

    def call(self, x):
        for dense in self.dense:
            x = self.dropout(dense(x))
        return x

    def get_config(self):
        return {**super().get_config(), "hidden_units": self.hidden_units, "dropout_rate": self.dropout_rate}


@keras.saving.register_keras_serializable(package="kio")
class SelfAttention(layers.Layer):
    def __init__(self, num_heads, key_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim)

    def call(self, x):
        return self.attention(x, x)

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim}


def create_encoder(units=transformer_units, heads=num_heads):
    inputs = keras.Input(shape=(num_patches, projection_dim))
    x = MLPBlock(units, dropout_rate=0.1)(inputs)
    x = SelfAttention(num_heads=heads, key_dim=projection_dim)(x)
    return keras.Model(inputs, x)
