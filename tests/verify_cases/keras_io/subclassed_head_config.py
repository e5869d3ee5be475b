"""The same residual MLP, broken: get_config() leaves out num_classes, which has
a default. The script trains a 5-class head; the load builds the default 10."""
import keras
from keras import layers

num_classes = 10
width = 32
depth = 2


@keras.saving.register_keras_serializable(package="resmlp_head")
class ResidualBlock(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units, activation="relu")
        self.norm = layers.LayerNormalization()

    def call(self, inputs):
        return self.norm(inputs + self.dense(inputs))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="resmlp_head")
class ResidualMLP(keras.Model):
    def __init__(self, width, depth, num_classes=num_classes, **kwargs):
        super().__init__(**kwargs)
        self.width, self.depth, self.num_classes = width, depth, num_classes
        self.flatten = layers.Flatten()
        self.stem = layers.Dense(width)
        self.blocks = [ResidualBlock(width) for _ in range(depth)]
        self.head = layers.Dense(num_classes)

    def call(self, inputs):
        x = self.stem(self.flatten(inputs))
        for block in self.blocks:
            x = block(x)
        return self.head(x)

    def get_config(self):
        return {**super().get_config(), "width": self.width, "depth": self.depth}


(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
y_train = y_train % 5
x_train = x_train.astype("float32") / 255.0
model = ResidualMLP(width, depth, num_classes=5)
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_train, y_train, epochs=1, batch_size=32)
model.save("residual_mlp_head.keras")
