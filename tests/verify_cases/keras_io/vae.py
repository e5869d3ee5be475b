"""Variational autoencoder (keras-io style): a Sampling layer, an encoder and
a decoder built by helpers, a subclassed VAE model with its own train_step."""
import keras
from keras import layers, ops

latent_dim = 2
image_shape = (28, 28, 1)


@keras.saving.register_keras_serializable(package="vae")
class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(shape=ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def build_encoder():
    encoder_inputs = keras.Input(shape=image_shape)
    x = layers.Conv2D(8, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Flatten()(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    return keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")


def build_decoder():
    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(14 * 14 * 8, activation="relu")(latent_inputs)
    x = layers.Reshape((14, 14, 8))(x)
    outputs = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(x)
    return keras.Model(latent_inputs, outputs, name="decoder")


@keras.saving.register_keras_serializable(package="vae")
class VAE(keras.Model):
    def __init__(self, latent_dim=latent_dim, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = latent_dim
        self.encoder = build_encoder()
        self.decoder = build_decoder()

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        kl_loss = -0.5 * ops.mean(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
        self.add_loss(kl_loss)
        return self.decoder(z_mean)  # the mean at inference: deterministic

    def get_config(self):
        return {**super().get_config(), "latent_dim": self.latent_dim}


(x_train, _), (x_test, _) = keras.datasets.mnist.load_data()
mnist_digits = x_train[..., None].astype("float32") / 255
vae = VAE()
vae.compile(optimizer=keras.optimizers.Adam(), loss="binary_crossentropy")
vae.fit(mnist_digits, mnist_digits, epochs=2, batch_size=32)
vae.save("vae.keras")
