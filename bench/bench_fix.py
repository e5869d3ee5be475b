"""How long `keras-serial fix` takes on one generated file of 1k, 10k and 50k lines.

Each block of the file is a custom Keras layer with the usual mistakes (no **kwargs, no
get_config, unregistered, a weight made in __init__), so every block gets several fixes:

    python bench/bench_fix.py [LINES ...]        # default: 1000 10000 50000

It runs `keras-serial fix` (diff mode: nothing is written) in a fresh process per size, in a
temporary folder of its own, and prints the seconds and the number of changed lines.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

BLOCK = '''

class Scale{n}(keras.layers.Layer):
    def __init__(self, units, factor=2.0):
        super().__init__()
        self.units = units
        self.factor = factor
        self.w = self.add_weight(shape=(units,), initializer="ones", name="w")

    def call(self, inputs):
        return inputs * self.w * self.factor
'''


def generated_source(lines: int) -> str:
    """A module of about `lines` lines: `import keras` and as many layer blocks as fit."""
    header = "import keras\n"
    block_lines = BLOCK.count("\n")
    return header + "".join(BLOCK.format(n=n) for n in range(max(1, (lines - 1) // block_lines)))


def time_fix(lines: int) -> tuple[float, int, int]:
    """(seconds, lines of the file, lines of the diff) for `fix` on a generated file."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "layers.py"
        source = generated_source(lines)
        target.write_text(source)
        (Path(folder) / "pyproject.toml").write_text("")
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "flake8_keras_serial.cli", "fix", "--keras-version=3", "--package=bench", "layers.py"],
            cwd=folder, capture_output=True, text=True,
        )
        seconds = time.perf_counter() - started
        if result.returncode != 1:
            raise SystemExit(f"fix exited {result.returncode}: {result.stderr[-500:]}")
        return seconds, source.count("\n"), result.stdout.count("\n")


def main(argv: list[str]) -> None:
    sizes = [int(size) for size in argv] or [1000, 10000, 50000]
    print(f"{'lines':>8} {'seconds':>9} {'diff lines':>11} {'s per 1k lines':>15}")
    for size in sizes:
        seconds, lines, diff = time_fix(size)
        print(f"{lines:>8} {seconds:>9.1f} {diff:>11} {seconds / lines * 1000:>15.2f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
