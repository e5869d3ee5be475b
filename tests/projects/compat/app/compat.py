"""The project reaches Keras through this module only."""

try:
    import keras
except ImportError:
    from tensorflow import keras

layers = keras.layers
register = keras.saving.register_keras_serializable
