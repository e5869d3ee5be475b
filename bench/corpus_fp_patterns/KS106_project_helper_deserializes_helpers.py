# keras-version: 2
# Companion of KS106_project_helper_deserializes.py: the project's helper that deserializes a dict.
from tensorflow.keras.utils import deserialize_keras_object


def get_quantizer(identifier):
    if isinstance(identifier, dict):
        return deserialize_keras_object(identifier, module_objects=globals())
    return identifier
