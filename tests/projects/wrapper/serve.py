import keras

model = keras.models.load_model("model.keras")  # expect KS301:9
