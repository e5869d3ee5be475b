import keras

# No save of the project writes this path: every custom class of the project may be needed.
model = keras.models.load_model(input("path: "))  # expect KS301:9
