import keras


@keras.saving.register_keras_serializable(package="oracle", name="Scale")  # expect KS107:1
class ScaleA(keras.layers.Layer):
    pass
