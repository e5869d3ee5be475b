"""What every rule shares: the finding it yields and the per-class loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterable, Iterator

from ..class_source import ClassSource
from ..codes import CODES

ALL_KINDS = frozenset(
    {"layer", "model", "loss", "metric", "initializer", "regularizer", "constraint", "schedule", "optimizer"}
)
LAYERS_AND_MODELS = frozenset({"layer", "model"})

# Keys every Layer/Model base config carries (Keras 2 and 3).
BASE_CONFIG_KEYS = ("name", "trainable", "dtype")


@dataclass(frozen=True, order=True)
class Finding:
    line: int  # 1-based
    col: int  # 0-based, as flake8 expects from plugins (it prints col + 1)
    code: str
    message: str

    def text(self) -> str:
        return f"{self.code} {self.message}"


class Rule:
    """One KS code. Subclasses set `code`, `kinds` and implement `check`.

    Position convention, the same for every rule: a finding about the class
    as a whole points at its `class` keyword; one about a method points at
    its `def`; one about a statement points at the statement.
    """

    code: ClassVar[str]
    kinds: ClassVar[frozenset[str]] = ALL_KINDS

    def check_module(self, sources: list[ClassSource]) -> Iterator[Finding]:
        for source in sources:
            if source.keras_class.kind in self.kinds:
                yield from self.check(source)

    def check(self, source: ClassSource) -> Iterable[Finding]:
        return ()

    def finding(self, position: tuple[int, int], message: str) -> Finding:
        assert self.code in CODES, self.code
        line, col = position
        return Finding(line, col, self.code, message)


def quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)
