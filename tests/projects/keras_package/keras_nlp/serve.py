import keras

# Measured (Keras 3.15.1): the .keras loader imports keras_nlp.layers and finds Scale;
# the .h5 loader does not ("Unknown layer: 'Scale'").
restored = keras.models.load_model("scale.keras")
legacy = keras.models.load_model("scale.h5")  # expect KS301:10
