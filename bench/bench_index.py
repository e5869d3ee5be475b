#!/usr/bin/env python
"""What the project index costs (issue: cross-file checks).

Builds a synthetic project of --files modules in a temporary folder: a share
of Keras modules (custom layers, some registered, saves and loads between
files) and the rest plain Python taken from the standard library. Then:

* cold: build the index from nothing (empty cache folder), in this process,
  against flake8's own default checks on the same files (flake8 alone, -j1,
  in-process, as in bench_plugin.py). Budget: <= 1.5x flake8's run.
* warm: in a fresh process with the cache on disk, the time to load and
  re-validate the index once, and the time it adds per checked file when a
  whole run checks every Keras file (check_lines with a filename, i.e. with
  the project, minus without). Budget: <= 10 ms per checked file.

    python bench/bench_index.py [--files 1000]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

KERAS_SHARE = 0.15

KERAS_MODULE = '''import keras

from pkg.keras_{other} import Layer{other}A


@keras.saving.register_keras_serializable(package="pkg{index}")
class Layer{index}A(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, x):
        return x @ self.w

    def get_config(self):
        return {{**super().get_config(), "units": self.units}}


class Layer{index}B(keras.layers.Layer):
    def __init__(self, rate=0.5, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate


def build_and_save():
    inputs = keras.Input((8,))
    model = keras.Model(inputs, Layer{index}B()(Layer{other}A(4)(Layer{index}A(4)(inputs))))
    model.save("artifacts/model_{index}.keras")


def serve():
    return keras.models.load_model("artifacts/model_{other}.keras")
'''


def make_project(root: Path, files: int) -> list[Path]:
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "pkg" / "__init__.py").write_text("")
    keras_count = int(files * KERAS_SHARE)
    made = []
    for index in range(keras_count):
        path = root / "pkg" / f"keras_{index}.py"
        path.write_text(KERAS_MODULE.format(index=index, other=(index + 1) % keras_count))
        made.append(path)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    fillers = sorted(
        path for path in stdlib.glob("*.py") if 50 < path.stat().st_size < 60_000 and _parses(path)
    )
    for index in range(files - keras_count - 1):
        source = fillers[index % len(fillers)]
        path = root / "pkg" / f"plain_{index}.py"
        shutil.copy(source, path)
        made.append(path)
    return made


def _parses(path: Path) -> bool:
    try:
        ast.parse(path.read_bytes())
        return True
    except (SyntaxError, ValueError):
        return False


def warm_child(root: str) -> None:
    """In a fresh process: load the warm index once, then check every Keras file."""
    from flake8_keras_serial.checker import check_lines
    from flake8_keras_serial.project_index import project_index

    start = time.perf_counter()
    project_index(Path(root), 3)
    load_seconds = time.perf_counter() - start
    files = sorted(Path(root, "pkg").glob("keras_*.py"))
    inputs = [(str(path), path.read_text().splitlines(keepends=True)) for path in files]
    trees = [ast.parse("".join(lines)) for _, lines in inputs]
    timings = {}
    for label, with_project in (("without", False), ("with", True), ("without2", False), ("with2", True)):
        start = time.perf_counter()
        for (name, lines), tree in zip(inputs, trees):
            check_lines(lines, 3, tree, name if with_project else None)
        timings[label] = time.perf_counter() - start
    print(json.dumps({"load": load_seconds, "files": len(files), **timings}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--warm-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warm_child:
        warm_child(args.warm_child)
        return 0
    from bench_plugin import flake8_run

    from flake8_keras_serial import project_index as index_module

    work = Path(tempfile.mkdtemp(prefix="bench-index-"))
    try:
        root = work / "project"
        files = make_project(root, args.files)
        lines = sum(path.read_bytes().count(b"\n") for path in files)
        os.environ["KERAS_SERIAL_CACHE_DIR"] = str(work / "cache")
        flake8_run([str(path) for path in files[:5]], False)  # warm-up: imports
        flake8_alone = min(flake8_run([str(path) for path in files], False).seconds for _ in range(2))
        colds = []
        for attempt in range(2):
            shutil.rmtree(work / "cache", ignore_errors=True)
            index_module._MEMO.clear()
            start = time.perf_counter()
            index = index_module.build_index(root, 3)
            colds.append(time.perf_counter() - start)
        cold = min(colds)
        child = subprocess.run(
            [sys.executable, __file__, "--warm-child", str(root)],
            capture_output=True, text=True, env={**os.environ}, check=True,
        )
        warm = json.loads(child.stdout)
        per_file_ms = (min(warm["with"], warm["with2"]) - min(warm["without"], warm["without2"])) / warm["files"] * 1000
        print(f"project: {len(files)} files, {lines} lines, {len(index.modules)} modules indexed")
        print(f"flake8 alone (-j1, in-process):            {flake8_alone:7.2f} s")
        ratio = cold / flake8_alone
        print(f"cold index build:                          {cold:7.2f} s   = {ratio:.2f}x flake8 (budget 1.5x)")
        print(f"warm index load + re-validation, once:     {warm['load'] * 1000:7.1f} ms per process")
        print(f"added per checked Keras file, whole run:   {per_file_ms:7.2f} ms  (budget 10 ms)")
        print(f"a single-file run (editor) adds at most:   {warm['load'] * 1000 + per_file_ms:7.1f} ms")
        ok = cold <= 1.5 * flake8_alone and per_file_ms <= 10
        print("within budget" if ok else "OVER BUDGET")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
