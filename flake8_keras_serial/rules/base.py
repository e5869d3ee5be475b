"""What every rule shares: the finding it yields and the per-class loop."""

from __future__ import annotations

import ast
import tokenize
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar, Iterable, Iterator

from ..class_source import ClassSource
from ..codes import CODES
from ..messages import name_few
from ..module_facts import ModuleFacts
from ..module_summary import saved_contents, summarize
from ..owners import Builders, built_only_into_attributes, built_outside_classes, local_builders, names_built_in
from ..project_index import ProjectContext, ProjectIndex
from ..saveload_calls import SaveLoadCall, call_scopes, find_save_load_calls, model_library

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
    # What a fix needs that the message only says in words (KS301: the custom objects
    # and their modules, the modules to import). Not part of the finding's identity.
    fix_data: tuple = field(default=(), compare=False, hash=False)
    # The whole of what the message names only in part: every name of a list the message
    # shortens with messages.name_few (`--format json` prints them). Not part of the identity.
    details: tuple[str, ...] = field(default=(), compare=False, hash=False)

    def text(self) -> str:
        return f"{self.code} {self.message}"


@dataclass
class ModuleContext:
    """Everything a rule may read about one file."""

    facts: ModuleFacts
    sources: list[ClassSource]  # its Keras classes
    lines: list[str] = field(default_factory=list)
    project: ProjectContext | None = None  # None when the file has no path (tests, API use)
    _rebuilt_by: dict[str, str | None] = field(default_factory=dict)

    @property
    def is_test_module(self) -> bool:
        """A test module by its name: test_*.py or *_test.py (pytest's and unittest's conventions)."""
        if self.project is None:
            return False
        path = self.project.path
        return path.name.startswith("test_") or path.stem.endswith("_test")

    @cached_property
    def disk_index(self) -> ProjectIndex | None:
        """The project index as on disk (this file as last saved there), or None."""
        return self.project.disk_index() if self.project is not None else None

    @cached_property
    def index(self) -> ProjectIndex | None:
        """The project index, with this file summarised from the text being checked."""
        if self.project is None or self.facts.tree is None:
            return None
        index = self.disk_index
        if index is None:
            return None
        project = self.project
        if self._unchanged_on_disk(index):
            return index  # its summary of this file is the file being checked
        summary = summarize(self.facts.tree, self.lines, project.project_major, project.import_context, self.facts)
        return index.with_module(self.project.module, summary)

    @cached_property
    def saved_contents(self) -> dict[str, list[str]]:
        """What a model this file saves names in its config (module_summary.saved_contents)."""
        return saved_contents(self.facts)

    def _unchanged_on_disk(self, index: ProjectIndex) -> bool:
        """The text being checked is the file the index summarised (flake8 and `check` read it
        from disk; an editor's unsaved buffer differs): summarising it again would only cost time."""
        relative = index.paths.get(self.project.module)
        entry = index.entries.get(relative) if relative is not None else None
        if not isinstance(entry, dict):
            return False
        path = index.root / relative
        try:
            stat = path.stat()
            if entry.get("stamp") != [stat.st_mtime_ns, stat.st_size]:
                return False
            with tokenize.open(path) as handle:
                return handle.read() == "".join(self.lines)
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            return False

    def rebuilt_by(self, source: ClassSource) -> str | None:
        """The custom class that builds this layer (or, built into a custom layer's attribute,
        this metric, loss...) again on load, when only such classes build it in the project and
        none serializes it (owners.py); else None."""
        if source.name not in self._rebuilt_by:
            self._rebuilt_by[source.name] = self._find_rebuilder(source)
        return self._rebuilt_by[source.name]

    def called_by_functional_owners(self, source: ClassSource) -> bool:
        """Only functional-style owners build this layer in the project (owners.py)."""
        return source.keras_class.kind in LAYERS_AND_MODELS and self._builders(source).called_by_functional_owners

    def abstract_base(self, source: ClassSource) -> bool:
        """A base class: subclassed in this file or another module, and built nowhere."""
        keras_class = source.keras_class
        if keras_class.instantiated:
            return False
        if self.disk_index is None:
            return keras_class.has_children
        if self._builders_elsewhere(source) != Builders():
            return False
        return keras_class.has_children or self.disk_index.subclassed((self.project.module, source.name))

    def _find_rebuilder(self, source: ClassSource) -> str | None:
        if source.keras_class.kind not in LAYERS_AND_MODELS:
            local = local_builders(self.facts, source.name, self._built_outside_classes, self._built_in_classes)
            owner = self._attribute_owner(source, local)
            # Built by another module too (a compile call, another owner): not only by the layer.
            return owner if owner is not None and self._builders_elsewhere(source) == Builders() else None
        return self._builders(source).rebuilt_by

    def _attribute_owner(self, source: ClassSource, builders: Builders) -> str | None:
        """The custom layer that builds this metric, loss or other non-layer object into one of
        its attributes (`self.tracker = Tracker()`), when only this file's custom layers build
        it so and none serializes it: the layer's constructor builds it again on load and no
        config records it by name (measured: a registered layer's unregistered BinaryAccuracy
        subclass, Keras 3.15 and tf_keras 2.21, `.keras` and `.h5`). A model owner is not
        enough: it may compile with the object, and a compile config records it by name."""
        owner = builders.rebuilt_by
        if owner is None:
            return None
        for name in builders.owners:
            keras_class = self.facts.class_named(name)
            if keras_class is None or keras_class.kind != "layer":
                return None
            if not built_only_into_attributes(keras_class.node, source.name):
                return None  # also built elsewhere in the owner: maybe returned or handed out
        return owner

    def _builders(self, source: ClassSource) -> Builders:
        builders = local_builders(self.facts, source.name, self._built_outside_classes, self._built_in_classes)
        builders.add(self._builders_elsewhere(source))
        return builders

    def _builders_elsewhere(self, source: ClassSource) -> Builders:
        """Where the other modules build the class, from the index on disk (this file: from its text)."""
        if self.disk_index is None:
            return Builders()
        return self.disk_index.builders((self.project.module, source.name), except_module=self.project.module)

    @cached_property
    def _built_outside_classes(self) -> set[str]:
        return built_outside_classes(self.facts)

    @cached_property
    def _built_in_classes(self) -> dict[ast.ClassDef, set[str]]:
        return {keras_class.node: names_built_in(keras_class.node) for keras_class in self.facts.classes}

    @cached_property
    def save_load_calls(self) -> list[SaveLoadCall]:
        return find_save_load_calls(self.facts)

    @cached_property
    def scope_of_call(self) -> dict[int, object]:
        """id(call) -> the function (or module) the call is in."""
        return call_scopes(self.facts.tree) if self.facts.tree is not None else {}

    def library_of_call(self, entry: SaveLoadCall) -> str | None:
        """The Keras library a save/load call belongs to: its own for `keras.models.load_model(...)`,
        the library that built the model for a method call (`keras.Sequential(...).save(...)` is
        plain Keras even in a tf.keras project); None: the project's Keras (`tf.keras` semantics)."""
        keras_name = self.facts.imports.keras_name(entry.call.func)
        if keras_name is not None:
            return keras_name.library
        if entry.model is not None:
            return model_library(self.facts, entry.model)
        return None

    def major_of_call(self, entry: SaveLoadCall) -> int:
        """The Keras major a call runs under (see `library_of_call`)."""
        library = self.library_of_call(entry)
        return self.facts.target.major_for(library) if library is not None else self.facts.target.project_major

    def keras3_at_least(self, minor: int, entry: SaveLoadCall | None = None) -> bool:
        """The targeted Keras is Keras 3 at `3.minor` or later (for `entry`: the Keras of that call)."""
        library = self.library_of_call(entry) if entry is not None else None
        return self.facts.target.keras3_at_least(minor, library)

    def saves_near(self, call, kinds: tuple[str, ...]) -> list[SaveLoadCall]:
        """The saves in the same function as `call`, or else in the whole file."""
        saves = [entry for entry in self.save_load_calls if entry.kind in kinds]
        scope = self.scope_of_call.get(id(call))
        same_scope = [entry for entry in saves if entry.scope is scope]
        return same_scope or saves


class Rule:
    """One KS code. Subclasses set `code`, `kinds` and implement `check`.

    Position convention, the same for every rule: a finding about the class
    as a whole points at its `class` keyword; one about a method points at
    its `def`; one about a statement points at the statement.
    """

    code: ClassVar[str]
    kinds: ClassVar[frozenset[str]] = ALL_KINDS
    # The finding matters only when Keras records the class's own config and looks its
    # name up on load: not for a layer that its owners build again (owners.py).
    needs_own_config: ClassVar[bool] = False

    def check_module(self, module: ModuleContext) -> Iterator[Finding]:
        for source in module.sources:
            if source.keras_class.kind in self.kinds:
                try:
                    # Materialised here so that one odd class cannot cost the rest of the file.
                    found = list(self.check(source))
                except RecursionError:
                    found = [_unchecked(source, "its code is nested too deeply")]
                if found and not self.applies(module, source):
                    continue  # asked only now: most classes have nothing to report
                yield from found

    def applies(self, module: ModuleContext, source: ClassSource) -> bool:
        """Whether the class's findings stand, given the rest of the project."""
        if not self.needs_own_config:
            return True
        return module.rebuilt_by(source) is None and not refuses_serialization(source)

    def check(self, source: ClassSource) -> Iterable[Finding]:
        return ()

    def finding(
        self, position: tuple[int, int], message: str, fix_data: tuple = (), details: Iterable[str] = ()
    ) -> Finding:
        assert self.code in CODES, self.code
        line, col = position
        return Finding(line, col, self.code, message, fix_data, tuple(details))


def refuses_serialization(source: ClassSource) -> bool:
    """Its get_config() only raises (`raise NotImplementedError("... cannot be serialized")`): the
    class says it is not to be saved, and the save says so at once (corpus: tfa, tfrs, keras)."""
    get_config = source.methods.get("get_config")
    return get_config is not None and only_raises(get_config) is not None


def only_raises(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Raise | None:
    """The one statement of a body that, past its docstring and other bare constants, only raises."""
    body = [
        statement for statement in function.body
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
    ]
    return body[0] if len(body) == 1 and isinstance(body[0], ast.Raise) else None


def quoted(names: Iterable[str], limit: int = 3) -> str:
    """`'a', 'b' and 'c'`; beyond `limit` names, `'a', 'b', 'c' and 4 more` (messages.name_few)."""
    return name_few((f"'{name}'" for name in names), limit)


def _unchecked(source: ClassSource, reason: str) -> Finding:
    return Finding(
        *source.class_position(), "KS000", f"flake8-keras-serial could not check class {source.name}: {reason}"
    )
