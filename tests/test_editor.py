"""Editors: a real python-lsp-server process over stdio, its flake8 plugin
on, opens a document with an unregistered layer and must publish the KS
diagnostic at the right line and column."""

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

DOCUMENT = "import keras\n\n\nclass Proj(keras.layers.Layer):\n    pass\n"

pytestmark = pytest.mark.slow


class LanguageServer:
    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pylsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.messages.put(json.loads(stream.read(length)))

    def send(self, method: str, params: dict, request: bool = False) -> None:
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def wait_for(self, predicate, timeout: float = 120.0) -> dict:
        while True:
            message = self.messages.get(timeout=timeout)
            if predicate(message):
                return message

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def test_pylsp_publishes_ks_diagnostics(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\nselect = KS\nkeras-version = 3\n")
    document = tmp_path / "model.py"
    document.write_text(DOCUMENT)
    server = LanguageServer(tmp_path)
    try:
        server.send("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}, request=True)
        server.wait_for(lambda message: message.get("id") == 1)
        server.send("initialized", {})
        flake8 = str(Path(sys.executable).with_name("flake8"))
        plugins = {
            "flake8": {"enabled": True, "executable": flake8},
            "pycodestyle": {"enabled": False},
            "pyflakes": {"enabled": False},
            "mccabe": {"enabled": False},
        }
        server.send("workspace/didChangeConfiguration", {"settings": {"pylsp": {"plugins": plugins}}})
        uri = document.as_uri()
        server.send(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": DOCUMENT}},
        )
        published = server.wait_for(
            lambda message: message.get("method") == "textDocument/publishDiagnostics"
            and message["params"]["uri"] == uri
            and any(item.get("code") == "KS105" for item in message["params"]["diagnostics"])
        )
    finally:
        server.close()
    (diagnostic,) = [item for item in published["params"]["diagnostics"] if item.get("code") == "KS105"]
    assert diagnostic["source"] == "flake8"
    assert diagnostic["range"]["start"] == {"line": 3, "character": 0}  # line 4, column 1, 0-based
    assert diagnostic["message"].startswith("KS105 Proj is not registered")
