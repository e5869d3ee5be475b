#!/usr/bin/env python
"""How long `keras-serial verify` takes against its floor.

One TensorFlow import per fresh process is the floor: the verifier runs
N processes (make + three loads), so the budget is 1.5 x N x the time of a
bare `python -c "import tensorflow"` measured here, side by side.

    python bench/bench_verify.py [PATH.py]   (default: bench/cases/classic.py)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

CASE = Path(__file__).resolve().parent / "cases" / "classic.py"
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=ENV)
    return time.perf_counter() - start, result


def main() -> int:
    case = Path(sys.argv[1]) if len(sys.argv) > 1 else CASE
    imports = [timed([sys.executable, "-c", "import tensorflow"])[0] for _ in range(3)]
    bare = statistics.median(imports)
    runs = []
    for _ in range(2):
        seconds, result = timed(
            [sys.executable, "-m", "flake8_keras_serial.cli", "verify", "--keras-version=3", "--format=json", str(case)]
        )
        if result.returncode == 2:
            print(result.stderr.strip())
            return 2
        runs.append((seconds, json.loads(result.stdout)))
    seconds, data = min(runs, key=lambda run: run[0])
    processes = data["processes"]
    budget = 1.5 * processes * bare
    print(f"bare `import tensorflow`: {bare:.2f} s (median of 3: {', '.join(f'{t:.2f}' for t in imports)})")
    print(f"keras-serial verify {case.name}: {seconds:.2f} s (best of 2), {processes} fresh processes, "
          f"{len(data['classes'])} classes")
    print(f"ratio to {processes} x import: {seconds / (processes * bare):.2f} (budget 1.5) -> "
          f"{'within budget' if seconds <= budget else 'OVER BUDGET'}")
    return 0 if seconds <= budget else 1


if __name__ == "__main__":
    sys.exit(main())
