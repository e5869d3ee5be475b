"""Reaches for the network: the verifier runs offline and says which call."""
import keras

path = keras.utils.get_file("not_cached.zip", origin="https://example.invalid/not_cached.zip")
