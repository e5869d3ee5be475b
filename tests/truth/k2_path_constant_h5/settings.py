import os

MODEL_DIR = "models"
MODEL_PATH = os.path.join(MODEL_DIR, "scaler.h5")
