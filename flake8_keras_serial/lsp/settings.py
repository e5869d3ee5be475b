"""The server's settings: the keys and meanings of `[tool.keras-serial]`.

The client's settings (initialization options, or `workspace/didChangeConfiguration`
under "keras-serial") win over the project's pyproject.toml, as the command line
does for `keras-serial check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..cli import UsageError, _codes, _project_config, _selected
from ..versions import parse_choice

KEYS = ("keras-version", "select", "ignore", "project-root", "docs-url", "package")


@dataclass(frozen=True)
class FileOptions:
    project_major: int
    selected: Callable[[str], bool]
    project_root: str | None
    docs_url: str | None
    package: str | None


@dataclass
class Settings:
    client: dict = field(default_factory=dict)

    def update(self, options: object) -> None:
        """Take the client's settings; keys may be spelt keras-version or keras_version."""
        if isinstance(options, dict):
            spelt = {key.replace("_", "-"): value for key, value in options.items()}
            self.client = {key: value for key, value in spelt.items() if key in KEYS}

    def for_file(self, path: Path | None) -> FileOptions:
        project: dict = {}
        folder = None
        if path is not None:
            try:
                project, folder = _project_config(path)
            except UsageError:
                project = {}
        merged = {**project, **self.client}
        root = merged.get("project-root")
        if root is not None and "project-root" not in self.client and folder is not None:
            root = str((folder / str(root)).resolve())
        try:
            major = parse_choice(merged.get("keras-version"))
        except ValueError:
            major = parse_choice(None)
        select, ignore = _code_list(merged.get("select")), _code_list(merged.get("ignore"))
        return FileOptions(
            project_major=major,
            selected=lambda code: _selected(code, select, ignore),
            project_root=str(root) if root else None,
            docs_url=merged.get("docs-url") or None,
            package=merged.get("package") or None,
        )


def _code_list(value: object) -> list[str]:
    if isinstance(value, (list, tuple)):
        value = ",".join(str(item) for item in value)
    return _codes(value if isinstance(value, str) else None)
