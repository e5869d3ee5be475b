"""The project's own registering decorator, registering through app.compat's `keras`."""
from .compat import keras


def app_export(path):
    def decorate(symbol):
        keras.saving.register_keras_serializable(package="app")(symbol)
        return symbol

    return decorate
