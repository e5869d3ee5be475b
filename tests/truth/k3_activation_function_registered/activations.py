import keras
from keras import ops


@keras.saving.register_keras_serializable(package="shop")
def scaled_tanh(x):
    return 1.7159 * ops.tanh(2.0 * x / 3.0)
