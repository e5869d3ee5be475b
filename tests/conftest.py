import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def run_flake8(
    *arguments: str, cwd: Path | None = None, stdin: str | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Real flake8, in a subprocess, with only its default config lookup."""
    return subprocess.run(
        [sys.executable, "-m", "flake8", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        timeout=120,
        env=None if env is None else {**os.environ, **env},
    )


def run_cli(*arguments: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8_keras_serial.cli", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env=None if env is None else {**os.environ, **env},
    )


@pytest.fixture(autouse=True)
def private_index_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own index cache, so none sees another's."""
    monkeypatch.setenv("KERAS_SERIAL_CACHE_DIR", str(tmp_path_factory.mktemp("index-cache")))


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
