"""`keras-serial lsp`, the language server (optional extra `[lsp]`: pygls 2)."""

from __future__ import annotations

import sys

MISSING = (
    "keras-serial lsp needs the language server extra: pip install 'flake8-keras-serial[lsp]' "
    "(pygls 2 and lsprotocol)"
)


def run_lsp(arguments) -> int:
    try:
        from .server import run
    except ImportError as error:
        if error.name and error.name.split(".")[0] in ("pygls", "lsprotocol"):
            print(f"keras-serial: {MISSING}", file=sys.stderr)
            return 2
        raise
    return run(getattr(arguments, "tcp", None))
