# fix: --select=KS3
"""KS302, KS303, KS307 fixes: paths and arguments of save calls."""
import keras


@keras.saving.register_keras_serializable()
class Net(keras.Model):
    def call(self, x):
        return x


net = Net()
net.save("net.keras")
restored = keras.models.load_model("net.keras")

model = keras.Sequential([keras.layers.Dense(1)])
model.save("m.keras")
model.save("exported.keras")
model.save_weights("weights.weights.h5")
model.save_weights("ckpt.weights.h5")
