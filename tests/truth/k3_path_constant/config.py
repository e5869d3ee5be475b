from pathlib import Path

ARTIFACTS = Path("artifacts")
MODEL_PATH = ARTIFACTS / "scaler.keras"
