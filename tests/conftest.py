import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def run_flake8(*arguments: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Real flake8, in a subprocess, with only its default config lookup."""
    return subprocess.run(
        [sys.executable, "-m", "flake8", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=stdin,
        timeout=120,
    )


def run_cli(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8_keras_serial.cli", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
