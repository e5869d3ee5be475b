import keras

from app.task import Middle, Task


@keras.saving.register_keras_serializable(package="app")
class Classifier(Task):
    """Task.get_config writes 'backbone': only num_classes is this class's to add."""

    def __init__(self, backbone, num_classes=2, **kwargs):
        super().__init__(backbone=None, **kwargs)
        self.backbone = backbone
        self.num_classes = num_classes

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


@keras.saving.register_keras_serializable(package="app")
class Plain(Middle):
    """No get_config of its own: it inherits Task's (through Middle)."""

    def __init__(self, backbone, **kwargs):
        super().__init__(backbone=backbone, **kwargs)


@keras.saving.register_keras_serializable(package="app")
class Forgetful(Task):
    def __init__(self, backbone, num_classes=2, **kwargs):
        super().__init__(**kwargs)
        self.backbone = backbone
        self.num_classes = num_classes

    def get_config(self):  # expect KS103:5
        return {"num_classes": 2}
