"""The project index: what every module of the project defines, registers,
imports, saves and loads, so that a check of one file can see the others.

flake8 checks each file alone, in worker processes that each see some of the
files, and has no end-of-run hook. So the index is built from the files on
disk by whichever process needs it, and kept in an on-disk cache:

* one JSON file per project in the user's cache folder, holding one summary
  per module keyed by its path, with the file's size and mtime;
* a summary is reused only when size and mtime still match; anything stale,
  unreadable or of another format version is rebuilt, never trusted;
* writers replace the cache file atomically (write a temporary file, then
  `os.replace`), so concurrent flake8 workers never see a torn file; at
  worst one worker's new summaries are lost and rebuilt on the next run;
* within one process the index is built and validated (by `stat`) once, the
  first time a project is asked for: a flake8 or `keras-serial check` run is
  one process. A long-lived process (the language server) says when files
  changed with `invalidate`, or asks with `revalidate_every` for a
  re-validation at most every few seconds; either way the index it had is
  re-validated against the disk, not rebuilt.

The file being checked is always summarised from the text flake8 hands
over, so an unsaved editor buffer counts as it is.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import stat
import tempfile
import time
import tokenize
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .keras_names import serializable_base, split_keras_name
from .keras_reexports import resolve_reexport, reexported_wrapper
from .module_summary import summarize, valid_summary
from .owners import Builders

# 2: registration wrappers; 3: where classes are built; 4: bases and methods; 5: model_io;
# 6: re-exported Keras names; 7: factories, compiled calls; 8: HDF5 saves; 9: positional custom_objects,
# register_keras_serializable through Keras's internal modules (object_registration); 10: functional-style
# classes; 11: deserializing functions; 12: get_custom_objects() writers among the registration wrappers,
# classes' source digests; 13: the base keys a get_config() without super() writes
FORMAT_VERSION = 13
ROOT_MARKERS = ("pyproject.toml", "setup.cfg", ".flake8", "tox.ini", ".git")
_SKIPPED_DIRS = {"__pycache__", "node_modules", "site-packages", "build", "dist"}
# A run started in a home folder without project markers must not index the disk.
MAX_FILES = 20_000


def find_project_root(path: Path) -> Path:
    """The nearest folder at or above `path` holding a project marker; without
    one, the working folder when the file is inside it (one project for the
    whole run, not one per folder), else the outermost package the file is in
    (an installed package: one project, not one per subpackage), else the
    file's folder. Answered once per folder in a process (see `invalidate`)."""
    start = path.resolve()
    return _folder_root(start if start.is_dir() else start.parent)


# (resolved folder, working folder) -> (when it was found, the project root)
_ROOTS: dict[tuple[Path, str], tuple[float, Path]] = {}


def _folder_root(folder: Path) -> Path:
    try:
        key = (folder, os.getcwd())
    except OSError:  # the working folder was removed: only a marker can answer
        return _search_root(folder)
    known = _ROOTS.get(key)
    now = time.monotonic()
    if known is not None and _fresh(known[0], now):
        return known[1]
    root = _search_root(folder)
    _ROOTS[key] = (now, root)
    return root


def _search_root(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    cwd = Path.cwd().resolve()
    if cwd == folder or cwd in folder.parents:
        return cwd
    top = folder
    while (top / "__init__.py").is_file() and (top.parent / "__init__.py").is_file():
        top = top.parent
    return top


def cache_dir() -> Path:
    configured = os.environ.get("KERAS_SERIAL_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "flake8-keras-serial"


def module_name(root: Path, path: Path) -> str:
    """`pkg/layers.py` -> `pkg.layers`; `pkg/__init__.py` -> `pkg`."""
    name = import_context(root, path)
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def import_context(root: Path, path: Path) -> str:
    """The name relative imports are resolved from: `pkg.__init__` for a package."""
    try:
        relative = path.resolve().relative_to(root).with_suffix("")
    except ValueError:  # outside the project
        relative = Path(path.stem)
    return ".".join(relative.parts)


# --- The index --------------------------------------------------------------


@dataclass
class ProjectIndex:
    root: Path
    project_major: int
    modules: dict[str, dict] = field(default_factory=dict)  # module name -> summary
    paths: dict[str, str] = field(default_factory=dict)  # module name -> path relative to root
    # path relative to root -> {"stamp": [mtime_ns, size], "summary": ...}: what the cache holds
    entries: dict[str, dict] = field(default_factory=dict, repr=False)

    def resolve_module(self, imported: str) -> str | None:
        """The project module an import names (`src/` layouts: matched by suffix)."""
        if imported in self.modules:
            return imported
        return self._by_suffix.get(imported)

    @cached_property
    def _by_suffix(self) -> dict[str, str | None]:
        """`layers` and `app.layers` -> `src.app.layers`; None where two modules share the suffix."""
        found: dict[str, str | None] = {}
        for name in self.modules:
            parts = name.split(".")
            for start in range(1, len(parts)):
                suffix = ".".join(parts[start:])
                found[suffix] = None if suffix in found and found[suffix] != name else name
        return found

    @cached_property
    def registered_keys(self) -> dict[str, list[tuple[str, str, str]]]:
        """`package>Name` -> [(module, class, the class's source digest)] over the whole project."""
        found: dict[str, list[tuple[str, str, str]]] = {}
        for owner, item in self.classes():
            for key in item["keys"]:
                found.setdefault(key, []).append((owner, item["name"], item["digest"]))
        return found

    def imports_closure(self, module: str) -> set[str]:
        """Project modules `module` imports, directly or through other modules."""
        seen: set[str] = set()
        stack = [module]
        while stack:
            current = stack.pop()
            for imported in self.modules.get(current, {}).get("imports", []):
                for candidate in (imported, imported.rpartition(".")[0]):
                    resolved = self.resolve_module(candidate) if candidate else None
                    if resolved and resolved not in seen:
                        seen.add(resolved)
                        stack.append(resolved)
        return seen

    def classes(self):
        """(module, class summary) for every custom Keras class of the project."""
        for module, summary in self.modules.items():
            for item in summary.get("classes", []):
                yield module, item

    def find_class(self, module: str, name: str) -> dict | None:
        """The class a name means in `module`: defined there, or imported from the project."""
        key = self.class_key(module, name)
        if key is None:
            return None
        owner, class_name = key
        return next((item for item in self.modules[owner].get("classes", []) if item["name"] == class_name), None)

    def class_key(self, module: str, name: str) -> tuple[str, str] | None:
        """(defining module, class name) for a name as `module` spells it, if it means a
        custom Keras class of the project."""
        summary = self.modules.get(module, {})
        if any(item["name"] == name for item in summary.get("classes", [])):
            return module, name
        head = name.split(".", 1)[0]
        target = summary.get("aliases", {}).get(head)
        if target is None:
            return None
        key = self._module_and_name(target + name[len(head) :])
        if key is None or key[0] == module:
            return None
        resolved, class_name = key
        if not any(item["name"] == class_name for item in self.modules[resolved].get("classes", [])):
            return None
        return resolved, class_name

    def deserializes(self, module: str, name: str) -> bool:
        """Whether `name`, as `module` spells it (`get_quantizer`, `preprocessing.parse_factor`),
        is a function of another project module that calls a Keras deserializer."""
        head = name.split(".", 1)[0]
        target = self.modules.get(module, {}).get("aliases", {}).get(head)
        if target is None:
            return False
        key = self._module_and_name(target + name[len(head) :])
        return key is not None and key[1] in self.modules[key[0]].get("deserializers", [])

    def builders(self, key: tuple[str, str], except_module: str) -> Builders:
        """Where the modules other than `except_module` build the class `key`."""
        found = Builders()
        for module, builders in self._builders_by_class.get(key, []):
            if module != except_module:
                found.add(builders)
        return found

    def subclassed(self, key: tuple[str, str]) -> bool:
        """Whether a class of the project names the class `key` among its bases."""
        return key in self._subclassed

    @cached_property
    def _subclassed(self) -> set[tuple[str, str]]:
        found = set()
        for summary in self.modules.values():
            for item in [*summary.get("classes", []), *summary.get("other_classes", [])]:
                for base in item["bases"]:
                    if (key := self._module_and_name(base)) is not None:
                        found.add(key)
        return found

    @cached_property
    def _builders_by_class(self) -> dict[tuple[str, str], list[tuple[str, Builders]]]:
        """(module, class) -> [(building module, where it builds it)], from every summary."""
        found: dict[tuple[str, str], dict[str, Builders]] = {}

        def entry(key: tuple[str, str], module: str) -> Builders:
            return found.setdefault(key, {}).setdefault(module, Builders())

        for module, summary in self.modules.items():
            for name in summary.get("built_outside_classes", []):
                if (key := self.class_key(module, name)) is not None:
                    entry(key, module).outside = True
            for item in summary.get("classes", []):
                self._note_builds(module, item, entry, owner=True)
            for item in summary.get("other_classes", []):
                # A class whose Keras base is in another module owns what it builds; another class does not.
                self._note_builds(module, item, entry, owner=self.keras_base(f"{module}.{item['name']}") is not None)
        return {key: list(by_module.items()) for key, by_module in found.items()}

    def _note_builds(self, module: str, item: dict, entry, owner: bool) -> None:
        for name in item["uses"]:
            if (key := self.class_key(module, name)) is not None and key != (module, item["name"]):
                builders = entry(key, module)
                if owner:
                    builders.owners.append(item["name"])
                    builders.serialized |= name in item["serializes"]
                    builders.subclassed_owner |= not item.get("functional", False)
                else:
                    builders.outside = True

    def keras_base(
        self, qualified: str, seen: frozenset[str] = frozenset()
    ) -> tuple[str, str, bool, frozenset[str]] | None:
        """(kind, library, generic, methods) when `qualified` names a Keras class of the project;
        methods: the get_config/from_config that it and the project classes along its bases define."""
        key = self._module_and_name(qualified)
        if key is None or qualified in seen:
            return self._reexported_base(qualified) if key is None else None
        module, name = key
        summary = self.modules[module]
        seen = seen | {qualified}
        for item in summary.get("classes", []):
            if item["name"] == name:
                methods = set(item["methods"])
                for base in item["bases"]:
                    if found := self.keras_base(base, seen):
                        methods |= found[3]
                return item["kind"], item["library"], item["generic"], frozenset(methods)
        for item in summary.get("other_classes", []):
            if item["name"] == name:
                for base in item["bases"]:
                    if found := self.keras_base(base, seen):
                        kind, library, generic, methods = found
                        return kind, library, generic, methods | frozenset(item["methods"])
        return self._reexported_base(qualified) if summary.get("keras_star") else None

    def own_config_keys(self, qualified: str, seen: frozenset[str] = frozenset()) -> list[str] | None:
        """The base keys (name, trainable, dtype...) `super().get_config()` holds for a subclass of
        the project class `qualified`, when the first get_config() along its bases does not call
        super() and writes only those; None when Keras's base config is reached."""
        key = self._module_and_name(qualified)
        if key is None or qualified in seen:
            return None
        module, name = key
        summary = self.modules[module]
        for item in [*summary.get("classes", []), *summary.get("other_classes", [])]:
            if item["name"] != name:
                continue
            if "get_config" in item["methods"] and item.get("own_config_keys") is not None:
                return item["own_config_keys"]
            found = (self.own_config_keys(base, seen | {qualified}) for base in item["bases"])
            return next((keys for keys in found if keys is not None), None)
        return None

    def reexport(self, qualified: str) -> str | None:
        """The Keras (or TensorFlow) name that `mypkg.compat.keras...` stands for (keras_reexports.py)."""
        return resolve_reexport(self, qualified)

    def _reexported_base(self, qualified: str) -> tuple[str, str, bool, frozenset[str]] | None:
        """A Keras base class spelled through a project module's re-export (`mypkg.compat.keras.layers.Layer`)."""
        keras_name = split_keras_name(self.reexport(qualified))
        found = serializable_base(keras_name) if keras_name is not None else None
        return (found[0], keras_name.library, found[1], frozenset()) if found is not None else None

    def registration_wrapper(self, qualified: str) -> str | None:
        """The Keras register API (dotted) that `qualified`, a registering decorator of the project, calls."""
        key = self._module_and_name(qualified)
        if key is None:
            return None
        module, name = key
        found = self.modules[module].get("registration_wrappers", {}).get(name)
        return found if found is not None else reexported_wrapper(self, module, name)

    def _module_and_name(self, qualified: str) -> tuple[str, str] | None:
        """`pkg.mod.Name` -> (the project module `pkg.mod` means, "Name"); None outside the project."""
        owner, _, name = qualified.rpartition(".")
        module = self.resolve_module(owner) if owner else None
        return (module, name) if module is not None else None

    def with_module(self, name: str, summary: dict) -> "ProjectIndex":
        """A copy in which `name` is summarised from the text being checked."""
        copy = ProjectIndex(self.root, self.project_major, {**self.modules, name: summary}, self.paths)
        if name in self.modules:  # same module names: the suffix table still holds
            copy.__dict__["_by_suffix"] = self._by_suffix
        return copy

    def module_of(self, wanted: dict) -> str | None:
        for module, item in self.classes():
            if item is wanted:
                return module
        return None


class IndexStore:
    """The on-disk cache of one project's index."""

    def __init__(self, root: Path, project_major: int) -> None:
        self.root = root
        self.project_major = project_major
        digest = hashlib.sha1(f"{root}|{project_major}".encode()).hexdigest()[:16]
        self.path = cache_dir() / f"index-{digest}.json"

    def read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or data.get("root") != str(self.root):
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def write(self, files: dict) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            payload = json.dumps({"version": FORMAT_VERSION, "root": str(self.root), "files": files})
            handle, temporary = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(payload)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only cache only costs speed


def project_files(root: Path):
    """The project's .py files (hidden folders, virtual environments and build output left out),
    at most MAX_FILES of them."""
    count = 0
    for path in _walk_python_files(root):
        count += 1
        if count > MAX_FILES:
            return
        yield path


def _walk_python_files(root: Path):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            name
            for name in dirs
            if not name.startswith(".")
            and name not in _SKIPPED_DIRS
            and not (Path(folder) / name / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            path = Path(folder) / name
            if name.endswith(".py") and _is_regular_file(path):
                yield path


def _is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _summarize_file(root: Path, path: Path, project_major: int) -> dict:
    try:
        with tokenize.open(path) as handle:
            lines = handle.readlines()
        tree = ast.parse("".join(lines))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError, RecursionError, MemoryError):
        return {"imports": []}
    try:
        return summarize(tree, lines, project_major, import_context(root, path))
    except RecursionError:
        return {"imports": []}


def build_index(root: Path, project_major: int, previous: ProjectIndex | None = None) -> ProjectIndex:
    """The project's index, from the cache where the files did not change. With `previous`
    (this process's last index), that index itself when no file changed: its derived tables
    (suffixes, builders, subclasses) are kept, and the cache file is not read again."""
    store = IndexStore(root, project_major)
    cached = previous.entries if previous is not None else store.read()
    files: dict[str, dict] = {}
    changed = False
    for path in project_files(root):
        relative = path.relative_to(root).as_posix()
        try:
            stat = path.stat()
        except OSError:
            continue
        stamp = [stat.st_mtime_ns, stat.st_size]
        entry = cached.get(relative)
        # Entries of `previous` were validated when they were read or made.
        usable = isinstance(entry, dict) and entry.get("stamp") == stamp
        if not (usable and (previous is not None or valid_summary(entry.get("summary")))):
            entry = {"stamp": stamp, "summary": _summarize_file(root, path, project_major)}
            changed = True
        files[relative] = entry
    if previous is not None and not changed and set(files) == set(cached):
        return previous
    if changed or set(files) != set(cached):
        store.write(files)
    index = ProjectIndex(root, project_major, entries=files)
    for relative, entry in files.items():
        name = module_name(root, root / relative)
        index.modules[name] = entry["summary"]
        index.paths[name] = relative
    return index


# (root, major) -> (when it was validated, None once invalidated; the index)
_MEMO: dict[tuple[Path, int], tuple[float | None, ProjectIndex]] = {}
# None: validate once per process. A number of seconds: at most that often (the language server).
_revalidate_seconds: float | None = None


def _fresh(validated: float | None, now: float) -> bool:
    return validated is not None and (_revalidate_seconds is None or now - validated < _revalidate_seconds)


def project_index(root: Path, project_major: int) -> ProjectIndex:
    """The index for this process: walked and validated the first time `root` is asked for,
    again only after `invalidate` (or when `revalidate_every` asked for it)."""
    key = (root, project_major)
    memo = _MEMO.get(key)
    now = time.monotonic()
    if memo is not None and _fresh(memo[0], now):
        return memo[1]
    index = build_index(root, project_major, memo[1] if memo is not None else None)
    _MEMO[key] = (now, index)
    return index


def invalidate(root: Path | None = None) -> None:
    """Files of `root` (of every project, without one) may have changed on disk: its index is
    re-validated against the disk on its next use, and project roots are looked for again."""
    for key, (_, index) in list(_MEMO.items()):
        if root is None or key[0] == root:
            _MEMO[key] = (None, index)
    _ROOTS.clear()


def revalidate_every(seconds: float | None) -> None:
    """A long-lived process: re-validate indexes and project roots at most every `seconds`
    (None: once per process, the default), so changes it is not told about are seen too."""
    global _revalidate_seconds
    _revalidate_seconds = seconds


def forget_project_indexes() -> None:
    """Drop every index and project root of this process: the next check reads the disk cache."""
    _MEMO.clear()
    _ROOTS.clear()


@dataclass
class ProjectContext:
    """The project around the file being checked; the index is built only
    when a rule asks for it."""

    root: Path
    path: Path
    project_major: int
    _bases: dict[str, tuple[str, str, bool, frozenset[str]] | None] = field(default_factory=dict)
    _reexports: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def for_file(cls, filename: str, project_major: int, root: str | None = None) -> "ProjectContext":
        path = Path.cwd() / "stdin.py" if filename in ("stdin", "-", "") else Path(filename)
        resolved = path.resolve()
        project_root = Path(root).resolve() if root else _folder_root(resolved.parent)
        return cls(project_root, resolved, project_major)

    @property
    def module(self) -> str:
        return module_name(self.root, self.path)

    @property
    def import_context(self) -> str:
        return import_context(self.root, self.path)

    def disk_index(self) -> ProjectIndex | None:
        try:
            return project_index(self.root, self.project_major)
        except (OSError, ValueError, RecursionError):
            return None

    def resolve_base(self, qualified: str) -> tuple[str, str, bool, frozenset[str]] | None:
        if qualified not in self._bases:
            index = self.disk_index()
            self._bases[qualified] = index.keras_base(qualified) if index is not None else None
        return self._bases[qualified]

    def resolve_wrapper(self, qualified: str) -> str | None:
        index = self.disk_index()
        return index.registration_wrapper(qualified) if index is not None else None

    def resolve_reexport(self, qualified: str) -> str | None:
        if qualified not in self._reexports:
            index = self.disk_index()
            self._reexports[qualified] = index.reexport(qualified) if index is not None else None
        return self._reexports[qualified]
