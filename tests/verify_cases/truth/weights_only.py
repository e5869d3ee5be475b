"""A subclassed model whose file names `.weights.h5` files only (what Keras 3
requires for save_weights and a weights-only ModelCheckpoint): no HDF5
model save, so no KS302."""
import keras


@keras.saving.register_keras_serializable(package="wo")
class Tower(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(3)

    def call(self, x):
        return self.dense(x)


tower = Tower()
checkpoint = keras.callbacks.ModelCheckpoint("tower.weights.h5", save_weights_only=True)
tower.save_weights("final.weights.h5")
