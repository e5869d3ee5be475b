"""Find the libcst node each finding points at, and let the fixers rewrite it.

All nodes are located in the original tree first (by the finding's line),
then one transformer pass applies every fix to its node: fixes never chase
line numbers that an earlier fix moved.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..checker import check_lines
from ..keras_names import ImportMap
from ..rules.base import Finding
from . import config, project, registration, saveload, weights
from .context import FixContext

# code -> (where the finding points, the fixer)
FIXERS = {
    **config.FIXERS,
    **project.FIXERS,
    **registration.FIXERS,
    **weights.FIXERS,
    **saveload.FIXERS,
}
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z0-9, ]+))?", re.IGNORECASE)


@dataclass
class FixResult:
    original: str
    fixed: str
    applied: list[Finding] = field(default_factory=list)
    unfixed: list[tuple[Finding, str]] = field(default_factory=list)  # with the reason
    renames: dict[str, str] = field(default_factory=dict)  # save paths changed, for loads elsewhere


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _noqa(line: str, code: str) -> bool:
    match = _NOQA.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    return codes is None or code in {part.strip().upper() for part in codes.split(",")}


# A fix can uncover another finding (a get_config built on super() now passes
# `name`, so an __init__ without **kwargs becomes KS104): fix until nothing changes.
_MAX_ROUNDS = 3


def fix_source(
    source: str,
    project_major: int,
    filename: str | None = None,
    selected=lambda code: True,
    package: str | None = None,
    wanted=None,
) -> FixResult:
    """`selected` filters by code; `wanted`, when given, by finding instead (the
    language server fixes one finding at a time)."""
    result = FixResult(source, source)
    for _ in range(_MAX_ROUNDS):
        one_round = _fix_once(result.fixed, project_major, filename, wanted or (lambda f: selected(f.code)), package)
        result.applied += one_round.applied
        result.unfixed = one_round.unfixed
        result.renames.update(one_round.renames)
        if one_round.fixed == result.fixed:
            break
        result.fixed = one_round.fixed
    return result


def _fix_once(source: str, project_major: int, filename: str | None, wanted, package: str | None) -> FixResult:
    lines = source.splitlines(keepends=True)
    result = FixResult(source, source)
    findings = [
        finding
        for finding in check_lines(lines, project_major, ast.parse(source), filename)
        if wanted(finding) and not _noqa(_line(lines, finding.line), finding.code)
    ]
    if not findings:
        return result
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    imports = ImportMap()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.add(node)
    project_context = _project(filename, project_major)
    module_name = (project_context.module if project_context else "") or (Path(filename).stem if filename else "")
    context = FixContext(module, positions, imports, project_major, package or module_name or "Custom", module_name)
    context.project = project_context
    for finding in findings:
        fixer = FIXERS.get(finding.code)
        if fixer is None:
            result.unfixed.append((finding, "no automatic fix for this code"))
            continue
        reason = fixer.plan(context, finding)
        if reason is None:
            result.applied.append(finding)
        else:
            result.unfixed.append((finding, reason))
    if result.applied:
        updated = module.visit(context.transformer())
        updated = context.add_imports(updated)
        result.fixed = updated.code
        result.renames = context.renames
    return result


def _project(filename: str | None, project_major: int):
    """The project around the file (None without a file name, or when it cannot be found)."""
    if not filename:
        return None
    from ..project_index import ProjectContext

    try:
        return ProjectContext.for_file(filename, project_major)
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop, from Path.resolve
        return None
