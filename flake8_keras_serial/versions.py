"""Which Keras a file is checked against, found without importing TensorFlow.

Keras 2 and Keras 3 disagree on several save/load behaviours, so every
rule that depends on the version asks `KerasTarget.major_for(library)`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

VERSION_CHOICES = ("auto", "2", "3")


@lru_cache(maxsize=None)
def _installed_major(distribution: str) -> int | None:
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def detect_major(env: dict[str, str] | None = None) -> int:
    """`auto`: Keras 2 when tf_keras is installed and TF_USE_LEGACY_KERAS=1,
    or when the only Keras installed is a 2.x `keras` package; else Keras 3."""
    env = os.environ if env is None else env
    legacy_requested = env.get("TF_USE_LEGACY_KERAS", "").strip().lower() in ("1", "true", "yes")
    if legacy_requested and _installed_major("tf_keras") is not None:
        return 2
    if _installed_major("keras") == 2:
        return 2
    return 3


def parse_choice(value: str | int | None) -> int:
    """`--keras-version` value -> 2 or 3. Raises ValueError on anything else."""
    text = "auto" if value is None else str(value).strip().lower()
    if text == "auto":
        return detect_major()
    if text in ("2", "3"):
        return int(text)
    raise ValueError(f"--keras-version must be one of {', '.join(VERSION_CHOICES)}, not {value!r}")


@dataclass(frozen=True)
class KerasTarget:
    """The Keras a file runs under.

    `project_major` is what `tf.keras` means (option or detection).
    `keras_package_major` is what a plain `import keras` gives: Keras 3
    whenever a 3.x `keras` is installed, even in a Keras 2 (tf_keras)
    project, where it is a different library with its own registry.
    """

    project_major: int
    keras_package_major: int

    @classmethod
    def for_file(cls, project_major: int, imports_tf_keras: bool) -> "KerasTarget":
        # A file that imports tf_keras runs under Keras 2 whatever the option says.
        major = 2 if imports_tf_keras else project_major
        # `pip install tensorflow` has brought Keras 3 since TF 2.16; only an
        # installed 2.x `keras` package (TF <= 2.15) makes plain `keras` Keras 2.
        keras_package = 2 if _installed_major("keras") == 2 else 3
        return cls(major, keras_package)

    def major_for(self, library: str) -> int:
        if library == "tf_keras":
            return 2
        if library == "keras":
            return self.keras_package_major
        return self.project_major
