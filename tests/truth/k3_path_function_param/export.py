import os


def export_model(model, path):
    """Saves the trained model where the serving job looks for it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    model.save(path)
