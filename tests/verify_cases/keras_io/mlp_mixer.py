"""Image classification with MLP-Mixer (keras-io style): token mixing and
channel mixing MLPs over patches, MNIST digits."""
import keras
from keras import layers

num_classes = 10
image_size = 28
patch_size = 7
num_patches = (image_size // patch_size) ** 2
hidden_units = 16
dropout_rate = 0.2
num_blocks = 2


@keras.saving.register_keras_serializable(package="mixer")
class MLPMixerLayer(layers.Layer):
    def __init__(self, num_patches, hidden_units, dropout_rate, **kwargs):
        super().__init__(**kwargs)
        self.num_patches = num_patches
        self.hidden_units = hidden_units
        self.dropout_rate = dropout_rate
        self.mlp1 = keras.Sequential([layers.Dense(num_patches, activation="gelu"), layers.Dense(num_patches)])
        self.mlp2 = keras.Sequential([layers.Dense(num_patches, activation="gelu"), layers.Dense(hidden_units)])
        self.normalize = layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs):
        x = self.normalize(inputs)
        x_channels = keras.ops.transpose(x, axes=(0, 2, 1))
        mlp1_outputs = keras.ops.transpose(self.mlp1(x_channels), axes=(0, 2, 1))
        x = mlp1_outputs + inputs
        return x + self.mlp2(self.normalize(x))

    def get_config(self):
        config = super().get_config()
        config.update({"num_patches": self.num_patches, "hidden_units": self.hidden_units,
                       "dropout_rate": self.dropout_rate})
        return config


def build_classifier(blocks=num_blocks, positional_encoding=False):
    inputs = layers.Input(shape=(image_size, image_size, 1))
    patches = layers.Conv2D(hidden_units, patch_size, strides=patch_size)(inputs)
    x = layers.Reshape((num_patches, hidden_units))(patches)
    for _ in range(blocks):
        x = MLPMixerLayer(num_patches, hidden_units, dropout_rate)(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(rate=dropout_rate)(x)
    return keras.Model(inputs=inputs, outputs=layers.Dense(num_classes)(x))


(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train[..., None].astype("float32") / 255.0
model = build_classifier()
model.compile(optimizer=keras.optimizers.AdamW(learning_rate=0.005, weight_decay=0.0001),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_train, y_train, batch_size=32, epochs=1, validation_split=0.1)
model.save("mlp_mixer.keras")
