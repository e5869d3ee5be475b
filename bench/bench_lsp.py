#!/usr/bin/env python
"""What `keras-serial lsp` costs in the editor (issue: fixes in the editor).

Makes bench_index.py's synthetic project (--files modules) plus one Keras model
file of about --lines lines, starts the server over stdio with pygls's client,
opens the model file, then edits it --edits times (one character appended to a
comment, as typing does) and measures, after warm-up:

* diagnostics: time from the didChange notification to the publishDiagnostics
  for that version (the server's debounce included). Goal: median <= 100 ms;
* code actions: time of a textDocument/codeAction request on a finding's line.
  Goal: median <= 200 ms; and the resolve of the preferred quick fix;
* memory: the server's peak resident size (VmHWM). Goal: < 150 MB.

    python bench/bench_lsp.py [--files 1000] [--lines 1000] [--edits 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_index import make_project  # noqa: E402

LAYER = '''

class Block{index}(keras.layers.Layer):
    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units)

    def call(self, inputs):
        return self.dense(inputs)
'''


def model_file(lines: int) -> str:
    text = "import keras\n# edit here\n"
    index = 0
    while text.count("\n") < lines - 3:
        text += LAYER.format(index=index)
        index += 1
    return text + '\nmodel = keras.Sequential([keras.Input((8,)), Block0()])\nmodel.save("model.keras")\n'


async def measure(root: Path, text: str, edits: int) -> dict:
    client = LanguageClient("bench", "1")
    published: dict[int, float] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published[params.version] = time.perf_counter()
        client.last_diagnostics = params.diagnostics
        arrived.set()

    await client.start_io(sys.executable, "-m", "flake8_keras_serial.cli", "lsp")
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=root.as_uri(), process_id=None)
    )
    client.initialized(types.InitializedParams())
    path = root / "pkg" / "model.py"
    path.write_text(text)
    uri = path.as_uri()
    started = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="python", version=0, text=text))
    )
    await asyncio.wait_for(arrived.wait(), 120)
    first = published[0] - started
    latencies, action_times, resolve_times = [], [], []
    for version in range(1, edits + 1):
        text = text.replace("# edit here", "# edit here" + "x", 1)
        arrived.clear()
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        while version not in published:
            await asyncio.wait_for(arrived.wait(), 60)
            arrived.clear()
        latencies.append(published[version] - sent)
        diagnostic = client.last_diagnostics[0]
        sent = time.perf_counter()
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        action_times.append(time.perf_counter() - sent)
        preferred = next((a for a in actions if a.is_preferred), None)
        if preferred is not None and version % 10 == 0:
            sent = time.perf_counter()
            await client.code_action_resolve_async(preferred)
            resolve_times.append(time.perf_counter() - sent)
    server_pid = client._server.pid
    peak_kib = _peak_kib(server_pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    warm = latencies[5:]  # the first edits warm the server's caches
    return {
        "first diagnostics (open, cold index) s": round(first, 3),
        "diagnostics after a change, median ms": round(statistics.median(warm) * 1000, 1),
        "diagnostics after a change, max ms": round(max(warm) * 1000, 1),
        "code actions, median ms": round(statistics.median(action_times[5:]) * 1000, 1),
        "quick fix resolve, median ms": round(statistics.median(resolve_times) * 1000, 1) if resolve_times else None,
        "server peak memory MB": round(peak_kib / 1024, 1) if peak_kib else None,
    }


def _peak_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        make_project(root, args.files)
        results = asyncio.run(measure(root, model_file(args.lines), args.edits))
    print(f"keras-serial lsp on a {args.lines}-line model file of a {args.files}-file project, {args.edits} edits:")
    for name, value in results.items():
        print(f"  {name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
