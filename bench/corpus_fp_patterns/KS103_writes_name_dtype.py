# keras-version: 3
# FP: get_config() writes name and dtype itself; super() would add keys __init__ rejects (num_classes).
import keras


@keras.saving.register_keras_serializable(package="demo")
class BinaryIoU(keras.metrics.IoU):
    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self.dtype}
