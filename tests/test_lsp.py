"""`keras-serial lsp` over stdio, driven by pytest-lsp's real LSP client."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

LAYERS = '''import keras


class Scale(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
'''
TRAIN = '''import keras

from layers import Scale

model = keras.Sequential([keras.Input((3,)), Scale(3.0)])
model.save("scale.keras")
'''
SERVE = '''import keras

import layers

model = keras.models.load_model("scale.keras")
'''


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "flake8_keras_serial.cli", "lsp"]),
)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.keras-serial]\nkeras-version = "3"\n')
    for name, text in (("layers.py", LAYERS), ("train.py", TRAIN), ("serve.py", SERVE)):
        (tmp_path / name).write_text(text)
    lsp_client.project = tmp_path
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
        )
    )
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=path.read_text() if text is None else text
            )
        )
    )
    return uri


async def _diagnostics(client: LanguageClient, uri: str) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Wait for the next diagnostics of `uri`; (code, (start line, start char, end line, end char))."""
    while True:
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri == uri:
            return [
                (d.code, (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character))
                for d in params.diagnostics
            ]


def _change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position: types.Position) -> int:
        return offsets[min(position.line, len(lines))] + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def _actions(client: LanguageClient, uri: str, line: int, only=None) -> list[types.CodeAction]:
    diagnostics = client.diagnostics.get(uri, [])
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line, 0), end=types.Position(line, 0)),
            context=types.CodeActionContext(
                diagnostics=[d for d in diagnostics if d.range.start.line == line], only=only
            ),
        )
    )


@pytest.mark.asyncio
async def test_diagnostics_have_code_range_source_and_page(client: LanguageClient):
    uri = _open(client, client.project / "layers.py")
    assert await _diagnostics(client, uri) == [("KS105", (3, 0, 3, 11))]
    (diagnostic,) = client.diagnostics[uri]
    assert diagnostic.source == "keras-serial"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.message.startswith("Scale is not registered")
    assert diagnostic.code_description.href.startswith("file://")
    assert diagnostic.code_description.href.endswith("KS105.md")

    serve = _open(client, client.project / "serve.py")
    # The whole load_model(...) call, not only its first character.
    assert await _diagnostics(client, serve) == [("KS301", (4, 8, 4, 46))]


@pytest.mark.asyncio
async def test_quick_fix_edit_clears_the_finding(client: LanguageClient):
    uri = _open(client, client.project / "layers.py")
    assert await _diagnostics(client, uri) == [("KS105", (3, 0, 3, 11))]
    actions = await _actions(client, uri, 3, only=[types.CodeActionKind.QuickFix])
    assert [(a.title, a.is_preferred) for a in actions] == [("Fix KS105", True), ("Ignore KS105 on this line", None)]
    resolved = await client.code_action_resolve_async(actions[0])
    fixed = _apply(LAYERS, resolved.edit.changes[uri])
    assert "@keras.saving.register_keras_serializable(package=\"layers\")\nclass Scale" in fixed
    # Only the line that changed is edited, not the whole file.
    assert [(e.range.start.line, e.range.end.line) for e in resolved.edit.changes[uri]] == [(3, 3)]
    _change(client, uri, 2, fixed)
    assert await _diagnostics(client, uri) == []


@pytest.mark.asyncio
async def test_noqa_action_and_fix_all(client: LanguageClient):
    uri = _open(client, client.project / "layers.py")
    await _diagnostics(client, uri)
    actions = await _actions(client, uri, 3)
    noqa = next(a for a in actions if a.title == "Ignore KS105 on this line")
    silenced = _apply(LAYERS, noqa.edit.changes[uri])
    assert silenced.splitlines()[3] == "class Scale(keras.layers.Layer):  # noqa: KS105"
    _change(client, uri, 2, silenced)
    assert await _diagnostics(client, uri) == []

    # A second code on a line with a noqa list extends the list.
    _change(client, uri, 3, silenced.replace("# noqa: KS105", "# noqa: E501"))
    assert await _diagnostics(client, uri) == [("KS105", (3, 0, 3, 11))]
    actions = await _actions(client, uri, 3)
    noqa = next(a for a in actions if a.title == "Ignore KS105 on this line")
    assert noqa.edit.changes[uri][0].new_text == ", KS105"

    fix_all = await _actions(client, uri, 0, only=["source.fixAll.keras-serial"])
    assert [a.kind for a in fix_all] == ["source.fixAll.keras-serial"]
    resolved = await client.code_action_resolve_async(fix_all[0])
    other_noqa = silenced.replace("# noqa: KS105", "# noqa: E501")
    assert "register_keras_serializable" in _apply(other_noqa, resolved.edit.changes[uri])


@pytest.mark.asyncio
async def test_registering_in_another_module_clears_the_load_finding_on_save(client: LanguageClient):
    serve = _open(client, client.project / "serve.py")
    assert await _diagnostics(client, serve) == [("KS301", (4, 8, 4, 46))]
    layers = client.project / "layers.py"
    registered = '@keras.saving.register_keras_serializable(package="demo")\nclass Scale'
    layers.write_text(LAYERS.replace("class Scale", registered))
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(layers.as_uri()))
    )
    assert await _diagnostics(client, serve) == []


@pytest.mark.asyncio
async def test_syntax_error_clears_diagnostics_and_the_server_lives(client: LanguageClient):
    uri = _open(client, client.project / "layers.py")
    assert await _diagnostics(client, uri) == [("KS105", (3, 0, 3, 11))]
    _change(client, uri, 2, LAYERS + "\ndef broken(:\n")
    assert await _diagnostics(client, uri) == []
    _change(client, uri, 3, LAYERS)
    assert await _diagnostics(client, uri) == [("KS105", (3, 0, 3, 11))]


@pytest.mark.asyncio
async def test_hover_on_a_noqa_code_shows_the_rule_page(client: LanguageClient):
    text = "import keras\nx = 1  # noqa: KS301\n"
    uri = _open(client, client.project / "other.py", text)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(1, 17))
    )
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("# KS301")


@pytest.mark.asyncio
async def test_settings_from_initialization_options_select_codes(tmp_path: Path):
    config = ClientServerConfig(server_command=[sys.executable, "-m", "flake8_keras_serial.cli", "lsp"])
    client = await config.start()
    (tmp_path / "layers.py").write_text(LAYERS)
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=pytest_lsp.client_capabilities("neovim"),
                root_uri=tmp_path.as_uri(),
                initialization_options={"keras-version": "3", "ignore": ["KS105"]},
            )
        )
        uri = _open(client, tmp_path / "layers.py")
        assert await asyncio.wait_for(_diagnostics(client, uri), 30) == []
        await client.shutdown_session()
    finally:
        await client.stop()


NEOVIM = shutil.which("nvim")


@pytest.mark.skipif(
    NEOVIM is None and not os.environ.get("KERAS_SERIAL_CI"),
    reason="Neovim is not installed (CI installs Debian's neovim and runs this test)",
)
def test_neovim_applies_the_preferred_fix_and_the_file_round_trips(tmp_path: Path):
    """A real editor: Neovim's built-in LSP client starts the server, gets the KS105
    diagnostic, applies the preferred code action and writes the buffer; the written
    file then really saves and loads (keras-serial verify, real TensorFlow)."""
    assert NEOVIM is not None, "CI must install neovim (.ci/run does)"
    model = tmp_path / "model.py"
    model.write_text(LAYERS)
    (tmp_path / "pyproject.toml").write_text('[tool.keras-serial]\nkeras-version = "3"\n')
    script = Path(__file__).parent / "lsp" / "neovim_fix.lua"
    env = {**os.environ, "KERAS_SERIAL_LSP_CMD": "\t".join([sys.executable, "-m", "flake8_keras_serial.cli", "lsp"])}
    editor = subprocess.run(
        [NEOVIM, "--headless", "--clean", "-n", "model.py", "-c", f"luafile {script}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert editor.returncode == 0, editor.stderr
    assert editor.stdout.splitlines()[:2] == ["diagnostic KS105 3:0 keras-serial", "applying Fix KS105"]
    assert model.read_text() == LAYERS.replace(
        "class Scale", '@keras.saving.register_keras_serializable(package="model")\nclass Scale'
    )
    verify = subprocess.run(
        [sys.executable, "-m", "flake8_keras_serial.cli", "verify", "model.py", "--keras-version", "3"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "round-trips: saved, loaded in fresh processes, same outputs" in verify.stdout


@pytest.mark.asyncio
async def test_a_registering_decorator_fixed_in_another_module_clears_ks105_on_save(client: LanguageClient):
    registry = client.project / "registry.py"
    registry.write_text("def register(cls):\n    return cls\n")
    decorated = LAYERS.replace("import keras\n", "import keras\n\nfrom registry import register\n", 1).replace(
        "class Scale", "@register\nclass Scale"
    )
    uri = _open(client, client.project / "layers.py", decorated)
    assert await _diagnostics(client, uri) == [("KS105", (6, 0, 6, 11))]
    registry.write_text(
        "import keras\n\n\ndef register(cls):\n"
        '    return keras.saving.register_keras_serializable(package="demo")(cls)\n'
    )
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(registry.as_uri()))
    )
    assert await _diagnostics(client, uri) == []
