"""The same Lambda in a script of the package: its names are missing where the model loads."""
import tensorflow as tf

SCALE = 3.0


def scaled(x):
    return x * SCALE


if __name__ == "__main__":
    inputs = tf.keras.Input((4,))
    model = tf.keras.Model(inputs, tf.keras.layers.Lambda(scaled)(inputs))  # expect KS305:36
    model.save("exported", save_format="tf")
