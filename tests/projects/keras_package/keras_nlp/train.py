import keras

from keras_nlp.layers import Scale

inputs = keras.Input((4,))
model = keras.Model(inputs, Scale(3.0)(inputs))
model.save("scale.keras")
model.save("scale.h5")
