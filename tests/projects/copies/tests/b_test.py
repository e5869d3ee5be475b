import keras


# A comment and blank lines of its own: the code is still a copy of a_test's Doubler.
@keras.saving.register_keras_serializable(package="TestOnly")
class Doubler(keras.layers.Layer):

    def call(self, x):
        return x * 2  # doubles


@keras.saving.register_keras_serializable(package="TestOnly")  # expect KS107:1
class Scaler(keras.layers.Layer):
    def call(self, x):
        return x * 4
