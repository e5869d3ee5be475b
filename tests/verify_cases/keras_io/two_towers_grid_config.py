"""The same two-tower recommender, broken: ItemGrid.get_config() leaves out
'cols', so the load cannot call ItemGrid(rows, cols, units) again."""
import keras
import numpy as np
from keras import layers, ops

user_features = 8
item_features = 16
grid_rows = 4
grid_cols = 4
embedding_dim = 12


@keras.saving.register_keras_serializable(package="two_towers_grid_config")
class UserTower(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units, activation="relu")

    def call(self, inputs):
        return self.dense(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="two_towers_grid_config")
class ItemGrid(layers.Layer):
    def __init__(self, rows, cols, units, **kwargs):
        super().__init__(**kwargs)
        self.rows = rows
        self.cols = cols
        self.units = units
        self.dense = layers.Dense(units)

    def call(self, inputs):
        grid = ops.reshape(inputs, (-1, self.rows, self.cols))
        return self.dense(ops.mean(grid, axis=2))

    def get_config(self):
        return {**super().get_config(), "rows": self.rows, "units": self.units}


def build_model():
    user_input = keras.Input(shape=(user_features,), name="user")
    user_vector = UserTower(embedding_dim)(user_input)
    item_input = keras.Input(shape=(item_features,), name="item")
    item_vector = ItemGrid(grid_rows, grid_cols, embedding_dim)(item_input)
    score = layers.Dot(axes=1)([user_vector, item_vector])
    return keras.Model([user_input, item_input], score)


model = build_model()
model.compile(optimizer="adam", loss="mse")
users = np.random.rand(64, user_features).astype("float32")
items = np.random.rand(64, item_features).astype("float32")
model.fit([users, items], np.random.rand(64, 1), epochs=2, batch_size=16)
model.save("two_towers_grid_config.keras")
