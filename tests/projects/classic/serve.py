import keras

model = keras.models.load_model("artifacts/model.keras")  # expect KS301:9
