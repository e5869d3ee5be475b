"""The flake8 adapter: options in, findings out. All the work is in checker.py."""

from __future__ import annotations

import ast
from typing import Iterator

from . import __version__
from .checker import check_lines
from .versions import VERSION_CHOICES, parse_choice


class KerasSerialPlugin:
    name = "flake8-keras-serial"
    version = __version__

    project_major = 3
    project_root: str | None = None

    def __init__(self, tree: ast.Module, lines: list[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager) -> None:
        option_manager.add_option(
            "--keras-version",
            default="auto",
            choices=VERSION_CHOICES,
            parse_from_config=True,
            help="Keras the code runs under: 3, 2 (tf_keras / TF_USE_LEGACY_KERAS=1) or auto "
            "(2 when tf_keras is installed and TF_USE_LEGACY_KERAS=1, else 3). Default: %(default)s",
        )

        option_manager.add_option(
            "--keras-project-root",
            default=None,
            parse_from_config=True,
            help="Root folder of the project whose modules the cross-file checks (KS301, KS105, KS107) read. "
            "Default: the nearest folder with pyproject.toml, setup.cfg, tox.ini, .flake8 or .git.",
        )

    @classmethod
    def parse_options(cls, options) -> None:
        cls.project_major = parse_choice(options.keras_version)
        cls.project_root = options.keras_project_root

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        # flake8 names standard input without --stdin-display-name "stdin": no file of the project,
        # so it is checked alone (as a copy of a project file it would collide with it, KS107).
        filename = None if self.filename in ("stdin", "-") else self.filename
        for finding in check_lines(self.lines, self.project_major, self.tree, filename, self.project_root):
            yield finding.line, finding.col, finding.text(), type(self)
