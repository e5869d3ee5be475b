"""The same Vision Transformer, broken: PatchEncoder takes its projection layer
as an argument and get_config() returns that layer raw. The .keras save writes
the layer's config; the load hands that dict to __init__, as no from_config()
deserializes it, and projection.units fails."""
import keras
from keras import layers, ops

num_classes = 10
input_shape = (32, 32, 3)
image_size = 16  # resized from 32
patch_size = 4
num_patches = (image_size // patch_size) ** 2
projection_dim = 8
num_heads = 2
transformer_units = [projection_dim * 2, projection_dim]


@keras.saving.register_keras_serializable(package="vit_projection_raw")
class Patches(layers.Layer):
    def __init__(self, patch_size, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size

    def call(self, images):
        patches = ops.image.extract_patches(images, size=self.patch_size)
        batch = ops.shape(patches)[0]
        return ops.reshape(patches, (batch, -1, patches.shape[-1]))

    def get_config(self):
        return {**super().get_config(), "patch_size": self.patch_size}


@keras.saving.register_keras_serializable(package="vit_projection_raw")
class PatchEncoder(layers.Layer):
    def __init__(self, num_patches, projection, **kwargs):
        super().__init__(**kwargs)
        self.num_patches = num_patches
        self.projection = projection
        self.position_embedding = layers.Embedding(input_dim=num_patches, output_dim=projection.units)

    def call(self, patch):
        positions = ops.expand_dims(ops.arange(start=0, stop=self.num_patches, step=1), axis=0)
        return self.projection(patch) + self.position_embedding(positions)

    def get_config(self):
        config = super().get_config()
        config.update({"num_patches": self.num_patches, "projection": self.projection})
        return config


def create_vit_classifier():
    inputs = keras.Input(shape=input_shape)
    resized = layers.Resizing(image_size, image_size)(inputs)
    patches = Patches(patch_size)(resized)
    encoded = PatchEncoder(num_patches, layers.Dense(projection_dim))(patches)
    x1 = layers.LayerNormalization(epsilon=1e-6)(encoded)
    attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=projection_dim)(x1, x1)
    x = layers.Add()([attention, encoded])
    for units in transformer_units:
        x = layers.Dense(units, activation="gelu")(x)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs=inputs, outputs=layers.Dense(num_classes)(x))


(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
model = create_vit_classifier()
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_train[:256].astype("float32") / 255.0, y_train[:256], batch_size=32, epochs=1)
model.save("vit_projection_raw.keras")
