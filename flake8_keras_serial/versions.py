"""Which Keras a file is checked against, found without importing TensorFlow.

Keras 2 and Keras 3 disagree on several save/load behaviours, and Keras 3's
minor versions added save/load forms (Hub paths, unzipped saves, sharded
weights, Orbax checkpoints), so every rule that depends on the version asks
`KerasTarget.major_for(library)` or `KerasTarget.keras3_at_least(minor)`.

`--keras-version` takes `auto`, `2`, `3` or `3.N`. The parsed value is a
`KerasVersion`: an int (the major, which is what most of the package passes
around as `project_major`) that also knows the Keras 3 minor and why it was
chosen.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

# The newest Keras 3 minor this package knows the save/load forms of. A bare `3`
# means "the newest Keras 3": every form a later minor added is accepted.
NEWEST_KNOWN_KERAS3_MINOR = 15

_KERAS3_MINOR = re.compile(r"3\.(\d+)")


class _VersionChoices(tuple):
    """What `--keras-version` accepts, as argparse `choices`: `auto`, `2`, `3` and
    any `3.N` (shown as `3.N` in the help)."""

    def __contains__(self, value: object) -> bool:
        text = str(value).strip().lower()
        return text in ("auto", "2", "3") or _KERAS3_MINOR.fullmatch(text) is not None


VERSION_CHOICES = _VersionChoices(("auto", "2", "3", "3.N"))


class KerasVersion(int):
    """The Keras major (2 or 3) a project targets, as an int, with:

    - `minor`: the Keras 3 minor (`3.5` -> 5), None for Keras 2 or "the newest Keras 3";
    - `source`: "option" (`--keras-version=...`), "env" (TF_USE_LEGACY_KERAS=1), "declared"
      (the project's dependency files), "installed" (package metadata) or "default";
    - `reason`: why, in words (`--keras-version=3.5`, `keras 3.15.1 installed`...).
    """

    minor: int | None
    source: str
    reason: str

    def __new__(
        cls, major: int, minor: int | None = None, source: str = "option", reason: str = ""
    ) -> "KerasVersion":
        version = super().__new__(cls, major)
        version.minor = minor if major == 3 else None
        version.source = source
        version.reason = reason
        return version

    def __reduce__(self):  # picklable for worker processes
        return (KerasVersion, (int(self), self.minor, self.source, self.reason))

    def __repr__(self) -> str:
        return f"KerasVersion({self.label}, source={self.source!r}, reason={self.reason!r})"

    @property
    def auto(self) -> bool:
        """Found by `auto`, not named by the option."""
        return self.source != "option"

    @property
    def label(self) -> str:
        """`Keras 2`, `Keras 3` or `Keras 3.5`."""
        if int(self) == 3 and self.minor is not None:
            return f"Keras 3.{self.minor}"
        return f"Keras {int(self)}"

    def keras3_at_least(self, minor: int) -> bool:
        """Keras 3 at `3.minor` or later (a bare `3`: the newest, so always)."""
        return int(self) == 3 and (self.minor is None or self.minor >= minor)


@lru_cache(maxsize=None)
def _installed_version(distribution: str) -> tuple[int, int | None] | None:
    """(major, minor) of an installed distribution, from its metadata."""
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
    parts = version.split(".")
    if not parts[0].isdigit():
        return None
    minor = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    return int(parts[0]), minor


def _installed_major(distribution: str) -> int | None:
    found = _installed_version(distribution)
    return found[0] if found is not None else None


def detect_version(env: dict[str, str] | None = None) -> KerasVersion:
    """`auto` from this environment (a project's declared dependencies come first when
    the file's project is known: dependencies.version_for_project): Keras 2 when tf_keras is installed and
    TF_USE_LEGACY_KERAS=1, or when the only Keras installed is a 2.x `keras`
    package; else Keras 3, at the installed `keras` package's minor."""
    env = os.environ if env is None else env
    legacy_requested = env.get("TF_USE_LEGACY_KERAS", "").strip().lower() in ("1", "true", "yes")
    if legacy_requested and _installed_major("tf_keras") is not None:
        return KerasVersion(2, source="env", reason="TF_USE_LEGACY_KERAS=1 with tf_keras installed")
    installed = _installed_version("keras")
    if installed is not None and installed[0] == 2:
        return KerasVersion(2, source="installed", reason=f"keras {metadata.version('keras')} installed")
    if installed is not None and installed[0] == 3:
        return KerasVersion(3, installed[1], source="installed", reason=f"keras {metadata.version('keras')} installed")
    return KerasVersion(3, source="default", reason="no Keras installed or declared")


def detect_major(env: dict[str, str] | None = None) -> int:
    """The major of `detect_version` (kept for callers that need only 2 or 3)."""
    return int(detect_version(env))


def parse_choice(value: str | int | None) -> KerasVersion:
    """`--keras-version` value -> a KerasVersion. Raises ValueError on anything else."""
    text = "auto" if value is None else str(value).strip().lower()
    if text == "auto":
        return detect_version()
    if text in ("2", "3"):
        return KerasVersion(int(text), reason=f"--keras-version={text}")
    match = _KERAS3_MINOR.fullmatch(text)
    if match:
        return KerasVersion(3, int(match.group(1)), reason=f"--keras-version={text}")
    raise ValueError(f"--keras-version must be one of auto, 2, 3 or 3.N (e.g. 3.5), not {value!r}")


def keras3_minor(project_major: int) -> int | None:
    """The Keras 3 minor a `project_major` carries (None: newest, or a plain int)."""
    return getattr(project_major, "minor", None)


@dataclass(frozen=True)
class KerasTarget:
    """The Keras a file runs under.

    `project_major` is what `tf.keras` means (option or detection).
    `keras_package_major` is what a plain `import keras` gives: Keras 3
    whenever a 3.x `keras` is installed, even in a Keras 2 (tf_keras)
    project, where it is a different library with its own registry.
    `keras3_minor` is the Keras 3 minor targeted (None: the newest).
    """

    project_major: int
    keras_package_major: int
    keras3_minor: int | None = None

    @classmethod
    def for_file(cls, project_major: int, imports_tf_keras: bool) -> "KerasTarget":
        # A file that imports tf_keras runs under Keras 2 whatever the option says.
        major = 2 if imports_tf_keras else int(project_major)
        # `pip install tensorflow` has brought Keras 3 since TF 2.16; only an
        # installed 2.x `keras` package (TF <= 2.15) makes plain `keras` Keras 2.
        keras_package = 2 if _installed_major("keras") == 2 else 3
        return cls(major, keras_package, keras3_minor(project_major))

    def major_for(self, library: str) -> int:
        if library == "tf_keras":
            return 2
        if library == "keras":
            return self.keras_package_major
        return self.project_major

    def keras3_at_least(self, minor: int, library: str | None = None) -> bool:
        """The Keras 3 that `library` (default: the project's Keras) means is `3.minor` or later.

        In a Keras 2 project, plain `keras` is the installed Keras 3 package: its minor
        is that of the package, when the option named none."""
        major = self.major_for(library) if library is not None else self.project_major
        if major != 3:
            return False
        found = self.keras3_minor
        if found is None and self.project_major == 2 and library == "keras":
            installed = _installed_version("keras")
            found = installed[1] if installed is not None and installed[0] == 3 else None
        return found is None or found >= minor
