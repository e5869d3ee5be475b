"""Test modules that each copy one helper layer (tf-models-official does): registering the
same code twice under one key builds the same class whichever registration wins."""
import keras


@keras.saving.register_keras_serializable(package="TestOnly")
class Doubler(keras.layers.Layer):
    def call(self, x):
        return x * 2


# Same key as b_test's Scaler, different code: loading builds whichever module ran last.
@keras.saving.register_keras_serializable(package="TestOnly")  # expect KS107:1
class Scaler(keras.layers.Layer):
    def call(self, x):
        return x * 3
