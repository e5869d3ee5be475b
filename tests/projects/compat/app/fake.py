"""A module whose `keras` and `layers` are not Keras's."""


class _Namespace:
    class Layer:
        pass


keras = _Namespace()
layers = keras
