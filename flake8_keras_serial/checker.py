"""Run every rule on one file. Shared by the flake8 plugin and the CLI.

`check_lines` never raises: anything unexpected becomes a KS000 finding
that says which class or file was not checked, because an exception inside
a flake8 plugin throws away the output of the whole run.

Every finding leaves through `_shown`: its message one line that fits, with its
code, in messages.MAX_MESSAGE characters, whatever a rule wrote.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from .class_source import ClassSource
from .dependencies import version_for_project
from .messages import shown
from .module_facts import collect_module_facts, mentions_keras
from .project_index import ProjectContext
from .rules import ALL_RULES, Finding
from .rules.base import ModuleContext


def check_lines(
    lines: list[str],
    project_major: int,
    tree: ast.Module | None = None,
    filename: str | None = None,
    project_root: str | None = None,
) -> list[Finding]:
    """Findings for one file, sorted by position.

    `lines` are the file's lines with their line endings (what flake8 hands
    plugins, so unsaved editor buffers and stdin work); `tree` is the `ast`
    tree flake8 already built, parsed here when not given. With a `filename`,
    the rules also see the rest of the project (its index), found from the
    file's folder or given as `project_root`.
    """
    if not mentions_keras(lines):
        return []
    try:
        if tree is None:
            try:
                tree = ast.parse("".join(lines))
            except (SyntaxError, ValueError):  # ValueError: a NUL byte, on Python 3.10
                return []  # flake8 reports E999; the CLI reports it itself
        project = ProjectContext.for_file(filename, project_major, project_root) if filename is not None else None
        if project is not None:
            # `auto`: the Keras the project's dependency files declare, before the installed one.
            project_major = version_for_project(project_major, project.root)
            project = replace(project, project_major=project_major)
        # A set: two views of one mistake (`loss=f, metrics=[f]`) print once.
        return sorted({_shown(finding) for finding in _check_tree(lines, tree, project_major, project)})
    except (Exception, RecursionError) as error:  # noqa: BLE001 - see module docstring
        message = f"flake8-keras-serial could not check this file ({_describe(error)}); please report it"
        return [_shown(Finding(1, 0, "KS000", message))]


def _shown(finding: Finding) -> Finding:
    """The finding with its message bounded (messages.shown): the one place no rule gets past."""
    message, details = shown(finding.code, finding.message, finding.details)
    if (message, details) == (finding.message, finding.details):
        return finding
    return replace(finding, message=message, details=details)


def _check_tree(
    lines: list[str], tree: ast.Module, project_major: int, project: ProjectContext | None
) -> list[Finding]:
    if project is None:
        facts = collect_module_facts(tree, project_major)
    else:
        facts = collect_module_facts(
            tree, project_major, project.resolve_base, project.import_context, project.resolve_wrapper,
            project.resolve_reexport,
        )
    by_class = {id(keras_class): ClassSource(keras_class, facts) for keras_class in facts.classes}
    sources = list(by_class.values())
    for source in sources:
        parent = source.keras_class.parent
        source.parent = by_class.get(id(parent)) if parent is not None else None
    module = ModuleContext(facts, sources, lines, project)
    findings: list[Finding] = []
    for rule in ALL_RULES:
        findings.extend(rule.check_module(module))
    if findings:
        expected = _expected_failure_lines(tree)
        findings = [finding for finding in findings if finding.line not in expected]
    return findings


_RAISES_ASSERTIONS = ("assertRaises", "assertRaisesRegex", "assertRaisesRegexp", "raises")


def _expected_failure_lines(tree: ast.Module) -> set[int]:
    """The lines inside `with self.assertRaises(...):` or `with pytest.raises(...):`: a test
    that makes the failure on purpose (`save_model(m, "x.keras", zipped=False)` asserted to
    raise). Reporting the failure it asserts tells its author nothing."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.With, ast.AsyncWith)) or not node.body:
            continue
        for item in node.items:
            call = item.context_expr
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                    and call.func.attr in _RAISES_ASSERTIONS:
                lines.update(range(node.body[0].lineno, (node.end_lineno or node.lineno) + 1))
                break
    return lines


def _describe(error: BaseException) -> str:
    """`Type: first line of the message`, short, even for an exception whose str() fails."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - describing a failure must not fail
        text = ""
    first = text.splitlines()[0] if text.strip() else ""
    if len(first) > 200:
        first = first[:197] + "..."
    return f"{type(error).__name__}: {first}" if first else type(error).__name__
