"""flake8-keras-serial: find the Keras models that will not survive save -> load."""

__version__ = "0.2.0"
