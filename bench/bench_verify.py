#!/usr/bin/env python
"""How long `keras-serial verify` takes against its floor, for 1 file and for 20.

The floor is one bare `python -c "import tensorflow"` per fresh process the
run starts (make + three loads, whatever the number of files): the budget for
the 20-file run is 1.3 x that floor. The 20 files are copies of one case under
20 names, in a temporary folder.

    python bench/bench_verify.py [PATH.py]   (default: bench/cases/classic.py)
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASE = Path(__file__).resolve().parent / "cases" / "classic.py"
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
BUDGET = 1.3


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=ENV, cwd=cwd)
    return time.perf_counter() - start, result


def verify(files: list[str], cwd: Path) -> tuple[float, dict] | None:
    command = [sys.executable, "-m", "flake8_keras_serial.cli", "verify", "--keras-version=3", "--format=json",
               "--allow-untested", *files]
    seconds, result = timed(command, cwd)
    if result.returncode == 2:
        print(result.stderr.strip())
        return None
    return seconds, json.loads(result.stdout)


def main() -> int:
    case = Path(sys.argv[1]) if len(sys.argv) > 1 else CASE
    imports = [timed([sys.executable, "-c", "import tensorflow"])[0] for _ in range(3)]
    bare = statistics.median(imports)
    print(f"bare `import tensorflow`: {bare:.2f} s (median of 3: {', '.join(f'{t:.2f}' for t in imports)})")
    folder = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    try:
        names = [f"case_{index:02d}.py" for index in range(20)]
        for name in names:
            shutil.copy(case, folder / name)
        within = True
        for files in (names[:1], names):
            measured = verify(files, folder)
            if measured is None:
                return 2
            seconds, data = measured
            floor = data["processes"] * bare
            ratio = seconds / floor
            print(f"{len(files):2d} file(s): {seconds:.2f} s, {seconds / len(files):.2f} s per file, "
                  f"{data['processes']} fresh processes, {data['totals']['classes']} classes; "
                  f"ratio to {data['processes']} x import: {ratio:.2f}")
            within = ratio <= BUDGET if len(files) > 1 else within
        print(f"20-file run {'within' if within else 'OVER'} budget ({BUDGET}x its floor)")
        return 0 if within else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
