"""`keras-serial lsp`: diagnostics, quick fixes and rule pages in the editor.

Built on pygls 2. The checks and fixes are the ones `keras-serial check` and
`keras-serial fix` run; this module only turns them into LSP messages.
"""

from __future__ import annotations

import ast
import asyncio
import traceback
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from .. import __version__
from ..checker import check_lines
from ..fixes.engine import FIXERS, _noqa, fix_source
from ..project_index import invalidate, revalidate_every
from ..report import rule_link, rule_page
from ..rules.base import Finding
from . import edits
from .settings import Settings

SOURCE = "keras-serial"
FIX_ALL_KIND = "source.fixAll.keras-serial"
# Changes arrive per keystroke; check once the typing pauses.
DEBOUNCE_SECONDS = 0.015
# Files changed outside the editor (git checkout, a script) with no event sent: seen after this.
REVALIDATE_SECONDS = 2.0


class KerasSerialServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("keras-serial", __version__)
        self.settings = Settings()
        self._pending: dict[str, asyncio.Task] = {}

    # -- diagnostics ---------------------------------------------------------

    def findings(self, document: TextDocument) -> tuple[list[str], ast.Module | None, list[Finding]]:
        """The document's lines, tree and selected findings (none when it does not parse)."""
        lines = document.lines
        try:
            tree = ast.parse(document.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return lines, None, []
        path = _path(document.uri)
        options = self.settings.for_file(path)
        found = check_lines(lines, options.project_major, tree, str(path) if path else None, options.project_root)
        return lines, tree, [
            finding
            for finding in found
            if options.selected(finding.code) and not _noqa(_line(lines, finding.line), finding.code)
        ]

    def publish(self, document: TextDocument) -> None:
        try:
            lines, tree, found = self.findings(document)
            options = self.settings.for_file(_path(document.uri))
            diagnostics = [self._diagnostic(document, lines, tree, finding, options.docs_url) for finding in found]
        except Exception:  # noqa: BLE001 - a check that fails must not kill the server
            self.log_error(f"checking {document.uri} failed:\n{traceback.format_exc()}")
            diagnostics = []
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=document.uri, diagnostics=diagnostics, version=document.version)
        )

    def publish_later(self, uri: str) -> None:
        previous = self._pending.pop(uri, None)
        if previous is not None:
            previous.cancel()

        async def run() -> None:
            await asyncio.sleep(DEBOUNCE_SECONDS)
            self._pending.pop(uri, None)
            self.publish(self.workspace.get_text_document(uri))

        self._pending[uri] = asyncio.ensure_future(run())

    def publish_all_open(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.publish(self.workspace.get_text_document(uri))

    def _diagnostic(self, document, lines, tree, finding: Finding, docs_url: str | None) -> types.Diagnostic:
        start, end = edits.finding_range(lines, tree, finding.line, finding.col)
        link = rule_link(finding.code, docs_url)
        return types.Diagnostic(
            range=self._range(document, start, end),
            message=finding.message,
            severity=types.DiagnosticSeverity.Information if _is_advice(finding) else types.DiagnosticSeverity.Warning,
            code=finding.code,
            code_description=types.CodeDescription(href=link) if link else None,
            source=SOURCE,
            data={"line": finding.line, "col": finding.col, "fixable": finding.code in FIXERS},
        )

    # -- positions -----------------------------------------------------------

    def _range(self, document: TextDocument, start: edits.Position, end: edits.Position) -> types.Range:
        codec, lines = document.position_codec, document.lines
        return types.Range(
            start=codec.position_to_client_units(lines, types.Position(*start)),
            end=codec.position_to_client_units(lines, types.Position(*end)),
        )

    def text_edits(self, document: TextDocument, new_text: str) -> list[types.TextEdit]:
        return [
            types.TextEdit(range=self._range(document, edit.start, edit.end), new_text=edit.new_text)
            for edit in edits.minimal_edits(document.source, new_text)
        ]

    # -- fixes ---------------------------------------------------------------

    def fixed_text(self, document: TextDocument, only: tuple[str, int, int] | None) -> str:
        """The document after `fix` (all findings, or only the finding (code, line, col))."""
        path = _path(document.uri)
        options = self.settings.for_file(path)

        def wanted(finding: Finding) -> bool:
            if only is not None:
                return (finding.code, finding.line, finding.col) == only
            return options.selected(finding.code)

        result = fix_source(
            document.source, options.project_major, str(path) if path else None, wanted=wanted, package=options.package
        )
        return result.fixed

    def log_error(self, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=types.MessageType.Error, message=message))


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _is_advice(finding: Finding) -> bool:
    return "(advice:" in finding.message


def _path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


server = KerasSerialServer()


@server.feature(types.INITIALIZE)
def initialize(ls: KerasSerialServer, params: types.InitializeParams) -> None:
    # A long-lived process: the project index is not validated only once, as in a flake8 run.
    revalidate_every(REVALIDATE_SECONDS)
    ls.settings.update(params.initialization_options)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: KerasSerialServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict):
        ls.settings.update(settings.get("keras-serial", settings))
    ls.publish_all_open()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: KerasSerialServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.publish(ls.workspace.get_text_document(params.text_document.uri))


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: KerasSerialServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.publish_later(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: KerasSerialServer, params: types.DidSaveTextDocumentParams) -> None:
    # A saved module can register a class another open file uses: re-validate the project.
    invalidate()
    ls.publish_all_open()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: KerasSerialServer, params: types.DidChangeWatchedFilesParams) -> None:
    invalidate()
    ls.publish_all_open()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: KerasSerialServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
        resolve_provider=True,
    ),
)
def code_action(ls: KerasSerialServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    actions = []
    only = params.context.only
    ours = [d for d in params.context.diagnostics if d.source == SOURCE and isinstance(d.code, str)]
    if only is None or types.CodeActionKind.QuickFix in only:
        for diagnostic in ours:
            data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
            if data.get("fixable"):
                actions.append(
                    types.CodeAction(
                        title=f"Fix {diagnostic.code}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=True,
                        data={"uri": uri, "code": diagnostic.code, "line": data.get("line"), "col": data.get("col")},
                    )
                )
            noqa = edits.noqa_edit(document.lines, diagnostic.range.start.line, diagnostic.code)
            if noqa is not None:
                actions.append(
                    types.CodeAction(
                        title=f"Ignore {diagnostic.code} on this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=_workspace_edit(uri, [_edit(ls, document, noqa)]),
                    )
                )
    if only is None or any(kind in (FIX_ALL_KIND, types.CodeActionKind.Source, "source.fixAll") for kind in only):
        actions.append(types.CodeAction(title="Fix all keras-serial findings", kind=FIX_ALL_KIND, data={"uri": uri}))
    return actions


@server.feature(types.CODE_ACTION_RESOLVE)
def resolve_code_action(ls: KerasSerialServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    uri = data.get("uri")
    if not uri:
        return action
    document = ls.workspace.get_text_document(uri)
    only = (data["code"], data["line"], data["col"]) if "code" in data else None
    try:
        new_text = ls.fixed_text(document, only)
    except Exception:  # noqa: BLE001 - a fix that fails offers no edit, the server lives
        ls.log_error(f"fixing {uri} failed:\n{traceback.format_exc()}")
        return action
    action.edit = _workspace_edit(uri, ls.text_edits(document, new_text))
    return action


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: KerasSerialServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    lines = document.lines
    row = params.position.line
    if not 0 <= row < len(lines):
        return None
    character = document.position_codec.position_from_client_units(lines, params.position).character
    code = edits.code_at(lines[row], character)
    if code is None:
        _, tree, found = ls.findings(document)
        for finding in found:
            start, end = edits.finding_range(lines, tree, finding.line, finding.col)
            if start <= (row, character) <= end:
                code = finding.code
                break
    page = rule_page(code) if code else None
    if page is None:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=page))


def _edit(ls: KerasSerialServer, document: TextDocument, edit: edits.TextEdit) -> types.TextEdit:
    return types.TextEdit(range=ls._range(document, edit.start, edit.end), new_text=edit.new_text)


def _workspace_edit(uri: str, text_edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: text_edits})


def run(tcp: str | None = None) -> int:
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0
