# keras-version: 3
# FP: f"{tmp}/model.keras" is linked by its literal tail to another function's save of a custom model;
# the model this function saves and loads is Sequential([Dense]) (built-in only).
import keras

from KS301_project_custom_layer import Scale


def save_custom(tmp):
    inputs = keras.Input((3,))
    keras.Model(inputs, Scale()(inputs)).save(f"{tmp}/model.keras")


def roundtrip_builtin(tmp):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    path = f"{tmp}/model.keras"
    model.save(path)
    return keras.models.load_model(path)
