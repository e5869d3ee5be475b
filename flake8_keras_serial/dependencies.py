"""The Keras a project declares it runs under, read from its dependency files.

`auto` in the linter's own environment (pre-commit, an editor's bundled
flake8, a CI lint job) sees no TensorFlow and would assume Keras 3 for code
written for Keras 2. The project says which it targets:

- `tf_keras` (or `tf-keras`) in its dependencies: Keras 2;
- `keras<3` (`keras==2.x`, `keras~=2.4`): Keras 2; `keras>=3.N` / `keras==3.N`: Keras 3.N;
- `tensorflow<2.16` (`<=2.15`, `==2.15.*`, `~=2.15.0`): Keras 2 (TF 2.16 made Keras 3 its `tf.keras`);
  `tensorflow>=2.16`: Keras 3.

Read, in the project root: pyproject.toml (`[project] dependencies` and
`optional-dependencies`, `[tool.poetry.dependencies]`), requirements*.txt
(also under requirements/), setup.cfg `[options] install_requires`, and
setup.py `install_requires=[...]` when it is a literal list. Nothing is
imported or executed.
"""

from __future__ import annotations

import ast
import configparser
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .versions import KerasVersion

_TENSORFLOW = {"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-macos", "tensorflow-intel"}
_TF_KERAS = {"tf-keras", "tf_keras"}

# `name [extras] specifiers ; marker`, as in PEP 508 (URLs and markers are ignored).
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*\(?([^;#@]*)")
_SPECIFIER = re.compile(r"(===|==|~=|!=|<=|>=|<|>)\s*([0-9][0-9A-Za-z.*+!-]*)")


@dataclass(frozen=True)
class Requirement:
    name: str  # normalised: lower case, `_` and `.` as `-`
    specifiers: tuple[tuple[str, str], ...]  # (operator, version)
    text: str  # as written, for the reason shown to the user
    source: str  # the file it is in, relative to the root


def parse_requirement(text: str, source: str) -> Requirement | None:
    """`tensorflow>=2.10,<2.16` -> Requirement; None for comments, options and blank lines."""
    text = text.strip()
    if not text or text.startswith(("#", "-")):
        return None
    match = _REQUIREMENT.match(text)
    if match is None:
        return None
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    specifiers = tuple(_SPECIFIER.findall(match.group(3) or ""))
    shown = re.sub(r"\s+", "", text.split(";", 1)[0].split("#", 1)[0])
    return Requirement(name, specifiers, shown, source)


def _release(version: str) -> tuple[int, ...]:
    """`2.15.1` -> (2, 15, 1); a `*` or a suffix ends it."""
    parts = []
    for part in version.split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        parts.append(int(digits.group()))
        if digits.group() != part:
            break
    return tuple(parts)


def _only_below(requirement: Requirement, limit: tuple[int, ...]) -> bool:
    """Every version the requirement allows is below `limit` (an upper bound, an exact pin, or `~=`)."""
    for operator, version in requirement.specifiers:
        release = _release(version)
        if not release:
            continue
        if operator == "<" and release <= limit:
            return True
        if operator == "<=" and release < limit:
            return True
        if operator in ("==", "===") and (release + (0,) * 3)[: len(limit)] < limit:
            return True
        # `~=2.15.0` allows 2.15.*; `~=2.15` allows 2.*: the last component is free.
        if operator == "~=" and len(release) >= 2 and release[:-1] + (10**9,) < limit:
            return True
    return False


def _lower_bound(requirement: Requirement) -> tuple[int, ...] | None:
    """The lowest version the requirement allows, when it names one."""
    for operator, version in requirement.specifiers:
        if operator in (">=", "==", "===", "~=", ">") and _release(version):
            return _release(version)
    return None


def _keras3_minor(requirement: Requirement) -> int | None:
    bound = _lower_bound(requirement)
    return bound[1] if bound is not None and len(bound) > 1 and bound[0] == 3 else None


def decide(requirements: Iterable[Requirement | None]) -> KerasVersion | None:
    """The Keras the requirements declare, with the requirement that says so; None if none does.

    An explicit `keras` bound is the strongest signal; then a TensorFlow older than 2.16;
    then `tf_keras` (installed for TF_USE_LEGACY_KERAS=1 on a newer TensorFlow); then a
    TensorFlow >= 2.16 or an unbounded `keras`, which mean Keras 3."""
    requirements = [item for item in requirements if item is not None]
    keras = [item for item in requirements if item.name == "keras"]
    tensorflow = [item for item in requirements if item.name in _TENSORFLOW]
    tf_keras = [item for item in requirements if item.name in _TF_KERAS]

    def because(item: Requirement) -> str:
        return f"{item.text} in {item.source}"

    for item in keras:
        if _only_below(item, (3,)):
            return KerasVersion(2, source="declared", reason=because(item))
        bound = _lower_bound(item)
        if bound is not None and bound[0] >= 3:
            return KerasVersion(3, _keras3_minor(item), source="declared", reason=because(item))
    for item in tensorflow:
        if _only_below(item, (2, 16)):
            return KerasVersion(2, source="declared", reason=because(item))
    if tf_keras:
        return KerasVersion(2, source="declared", reason=because(tf_keras[0]))
    for item in tensorflow:
        bound = _lower_bound(item)
        if bound is not None and bound >= (2, 16):
            return KerasVersion(3, source="declared", reason=because(item))
    return None


# --- Reading the files ---------------------------------------------------------


def _requirement_files(root: Path) -> list[Path]:
    found = sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt"))
    return [path for path in found if path.is_file()]


def _lines_of_requirements(path: Path, seen: set[Path]) -> Iterator[tuple[str, Path]]:
    """(line, file holding it) of a requirements file, following `-r other.txt`."""
    if path in seen:
        return
    seen.add(path)
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stripped = line.strip()
        include = re.match(r"-r\s+(\S+)|--requirement[ =](\S+)", stripped)
        if include:
            target = path.parent / (include.group(1) or include.group(2))
            if target.is_file():
                yield from _lines_of_requirements(target, seen)
        else:
            yield stripped, path


def _from_requirement_files(root: Path) -> Iterator[Requirement]:
    for path in _requirement_files(root):
        for line, holder in _lines_of_requirements(path, set()):
            source = holder.relative_to(root).as_posix() if holder.is_relative_to(root) else holder.name
            if (requirement := parse_requirement(line, source)) is not None:
                yield requirement


def _from_pyproject(root: Path) -> Iterator[Requirement]:
    path = root / "pyproject.toml"
    try:
        import tomllib
    except ImportError:  # Python 3.10: no TOML reader in the standard library
        return
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    texts = list(project.get("dependencies", []) or [])
    optional = project.get("optional-dependencies", {})
    if isinstance(optional, dict):
        for group in optional.values():
            texts += list(group) if isinstance(group, list) else []
    for text in texts:
        if isinstance(text, str) and (requirement := parse_requirement(text, "pyproject.toml")) is not None:
            yield requirement
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    if isinstance(poetry, dict):
        for name, spec in poetry.items():
            version = spec.get("version", "") if isinstance(spec, dict) else spec
            if isinstance(version, str):
                # Poetry's `^2.15` means >=2.15,<3; its `2.15.*`/`<2.16` read as PEP 440.
                caret = re.fullmatch(r"\^\s*(\d+)(\.\d+)*", version.strip())
                text = f"{name}>={version.strip()[1:]},<{int(caret.group(1)) + 1}" if caret else f"{name}{version}"
                if (requirement := parse_requirement(text, "pyproject.toml")) is not None:
                    yield requirement


def _from_setup_cfg(root: Path) -> Iterator[Requirement]:
    path = root / "setup.cfg"
    if not path.is_file():
        return
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except (configparser.Error, OSError):
        return
    texts = parser.get("options", "install_requires", fallback="").splitlines()
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            texts += value.splitlines()
    for text in texts:
        if (requirement := parse_requirement(text, "setup.cfg")) is not None:
            yield requirement


def _from_setup_py(root: Path) -> Iterator[Requirement]:
    path = root / "setup.py"
    if not path.is_file():
        return
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (SyntaxError, ValueError, RecursionError):
        return
    lists = {}  # `REQUIRED = [...]` at module level, for `install_requires=REQUIRED`
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, (ast.List, ast.Tuple)):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    lists[target.id] = statement.value
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg not in ("install_requires", "extras_require"):
                continue
            value = keyword.value
            if isinstance(value, ast.Name):
                value = lists.get(value.id, value)
            groups = value.values if isinstance(value, ast.Dict) else [value]
            for group in groups:
                if isinstance(group, ast.Name):
                    group = lists.get(group.id, group)
                for element in getattr(group, "elts", []):
                    if isinstance(element, ast.Constant) and isinstance(element.value, str):
                        if (requirement := parse_requirement(element.value, "setup.py")) is not None:
                            yield requirement


def declared_requirements(root: Path) -> list[Requirement]:
    found: list[Requirement] = []
    for reader in (_from_pyproject, _from_requirement_files, _from_setup_cfg, _from_setup_py):
        try:
            found.extend(reader(root))
        except (OSError, UnicodeDecodeError, RecursionError):
            continue  # an unreadable file declares nothing
    return found


def _stamp(root: Path) -> tuple:
    """What changes when a dependency file changes (the language server runs for hours)."""
    paths = [root / name for name in ("pyproject.toml", "setup.cfg", "setup.py")] + _requirement_files(root)
    stamp = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        stamp.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(stamp)


@lru_cache(maxsize=64)
def _declared_version(root: Path, stamp: tuple) -> KerasVersion | None:
    return decide(declared_requirements(root))


def declared_version(root: Path) -> KerasVersion | None:
    """The Keras the project at `root` declares, or None."""
    try:
        return _declared_version(root, _stamp(root))
    except OSError:
        return None


def version_for_project(version: KerasVersion | int, root: Path | None) -> KerasVersion | int:
    """The Keras a project is checked against: the option when it names one, the environment's
    explicit TF_USE_LEGACY_KERAS=1, else what the project declares, else the installed Keras."""
    if root is None or getattr(version, "source", "option") not in ("installed", "default"):
        return version
    declared = declared_version(root)
    return declared if declared is not None else version


def assumed_line(version: KerasVersion | int, paths: Iterable[str], project_root: str | None = None) -> str:
    """`keras-serial check`'s last line: which Keras was assumed and why, e.g.
    `Keras 2 assumed: tensorflow<2.16 in requirements.txt`. Several projects with
    different answers: each, with its root."""
    from .project_index import find_project_root  # the index imports this package's rules

    roots = []
    for path in paths:
        root = Path(project_root).resolve() if project_root else find_project_root(Path(path))
        if root not in roots:
            roots.append(root)
    chosen = {root: version_for_project(version, root) for root in roots} or {None: version}
    texts = {root: _because(found) for root, found in chosen.items()}
    if len(set(texts.values())) == 1:
        return next(iter(texts.values()))
    return "; ".join(f"{root.name or root}: {text}" for root, text in texts.items())


def _because(version: KerasVersion | int) -> str:
    label = getattr(version, "label", f"Keras {int(version)}")
    reason = getattr(version, "reason", "")
    return f"{label} assumed: {reason}" if reason else f"{label} assumed"
