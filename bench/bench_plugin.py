#!/usr/bin/env python
"""How much does flake8-keras-serial add to a flake8 run?

Speed is a ratio against flake8's own default checks (pycodestyle, pyflakes,
mccabe) run in the same process on the same files, with ``-j1``:

* "flake8 alone" runs flake8's Python API (``flake8.main.application``)
  with this package's plugin filtered out of flake8's plugin finder (and any
  other third-party plugin too, so the baseline is what a bare ``flake8``
  runs);
* "flake8 + plugin" is the same run with the plugin left in and
  ``--keras-version=3`` (deterministic, no installed-Keras detection).

The two are alternated (AB, BA, AB, ...) after an untimed warm-up, and the
best of ``--repeat`` runs of each is kept, in wall time and in CPU time. The
verdict uses CPU time: for a single-threaded run on cached files it is the wall
time less the time other processes held the CPU, so it is the steadier figure
on a shared machine (both are printed). Peak memory (``ru_maxrss``) is
measured in two fresh subprocesses per corpus, one per variant. As a
cross-check, the plugin's own time is measured by calling ``check_lines`` on
each file with the ``ast`` tree already parsed, outside flake8.

Corpora:
  (a) no Keras: the standard library, ``sysconfig.get_paths()["stdlib"]``
      (without site-packages / dist-packages), or ``--stdlib-corpus PATH``;
  (b) Keras-heavy: the installed ``keras`` package, found with
      ``importlib.util.find_spec`` (keras is not imported), or ``--corpus PATH``.

Budgets: <= 5 % added on (a), <= 50 % added on (b), peak memory <= 1.3x.
Exit code: 0 within budget, 1 over a budget, 2 the Keras corpus was not found.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import cProfile
import gc
import hashlib
import importlib.util
import inspect
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

PLUGIN_MODULE = "flake8_keras_serial"
# What a bare `flake8` runs: its own reporters plus these checkers.
DEFAULT_PACKAGES = frozenset({"flake8", "pycodestyle", "pyflakes", "mccabe"})
SPEED_BUDGET = {"stdlib": 5.0, "keras": 50.0}  # max % added
MEMORY_BUDGET = 1.3  # max peak-RSS ratio
BUSY = 0.10  # a run with 10 % more wall than CPU time means the machine was busy
SKIP_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__"})


# --------------------------------------------------------------------------- corpora


@dataclass
class Corpus:
    name: str  # "stdlib" or "keras"
    root: Path
    files: list[str]
    lines: int = 0
    all_files: int = 0  # before --limit


def python_files(root: Path) -> list[str]:
    if root.is_file():
        return [str(root)]
    found: list[str] = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIP_DIRS and not d.startswith("."))
        found.extend(os.path.join(directory, n) for n in names if n.endswith(".py"))
    return sorted(found)


def spread(files: list[str], limit: int) -> list[str]:
    """`limit` files spread evenly over the sorted list (deterministic, covers every subtree)."""
    if limit <= 0 or limit >= len(files):
        return files
    step = len(files) / limit
    return [files[int(i * step)] for i in range(limit)]


def stdlib_root() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def keras_root() -> Path | None:
    spec = importlib.util.find_spec("keras")  # top-level: finds it without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def read_lines(filename: str) -> list[str]:
    """The lines flake8 hands plugins (as flake8.processor.FileProcessor reads them)."""
    try:
        with tokenize.open(filename) as handle:
            lines = handle.readlines()
    except (SyntaxError, UnicodeError):
        with open(filename, encoding="latin-1") as handle:
            lines = handle.readlines()
    if lines and lines[0][:1] == "\ufeff":
        lines[0] = lines[0][1:]
    return lines


def make_corpus(name: str, root: Path, limit: int) -> Corpus:
    every = python_files(root)
    files = spread(every, limit)
    corpus = Corpus(name, root, files, all_files=len(every))
    corpus.lines = sum(len(read_lines(f)) for f in files)
    return corpus


def plugin_fingerprint() -> str:
    """Version and a hash of the plugin's sources, to tie results to code (and notice edits mid-run)."""
    spec = importlib.util.find_spec(PLUGIN_MODULE)
    assert spec is not None and spec.submodule_search_locations
    package = Path(list(spec.submodule_search_locations)[0])
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    from flake8_keras_serial import __version__

    return f"{__version__}, sources sha256 {digest.hexdigest()[:12]}"


# --------------------------------------------------------------------------- flake8 runs


class GcTimer:
    """Time spent in the garbage collector (gc.callbacks), a diagnostic: a plugin that allocates a lot or
    keeps objects alive makes every later collection of the process slower, outside its own run()."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start


GC_TIMER: GcTimer | None = None


def _is_ours(plugin) -> bool:
    return plugin.entry_point.value.split(":")[0].split(".")[0] == PLUGIN_MODULE


@contextlib.contextmanager
def plugins_for(with_plugin: bool) -> Iterator[None]:
    """Make flake8's plugin finder return the default plugins, plus ours or not."""
    from flake8.plugins import finder

    original = finder.find_plugins

    def find_plugins(cfg, opts):
        return [p for p in original(cfg, opts) if p.package in DEFAULT_PACKAGES or (with_plugin and _is_ours(p))]

    finder.find_plugins = find_plugins
    try:
        yield
    finally:
        finder.find_plugins = original


def other_plugins() -> list[str]:
    """Third-party plugins left out of both variants (named in the output)."""
    import configparser

    from flake8.plugins import finder

    found = finder.find_plugins(configparser.RawConfigParser(), finder.PluginOptions.blank())
    return sorted({f"{p.package} {p.version}" for p in found if p.package not in DEFAULT_PACKAGES and not _is_ours(p)})


@dataclass
class RunResult:
    seconds: float  # wall
    cpu_seconds: float  # this process's CPU time
    gc_seconds: float  # of which in the garbage collector
    results: int  # findings flake8 found (all codes)
    plugin_results: int  # KS findings
    failed: bool


def flake8_run(files: Sequence[str], with_plugin: bool) -> RunResult:
    """One in-process flake8 run, -j1, output discarded."""
    from flake8.main.application import Application

    argv = ["--isolated", "-j1", f"--output-file={os.devnull}", "--format=default"]
    if with_plugin:
        argv.append("--keras-version=3")
    argv.extend(files)
    gc.collect()
    gc_before = GC_TIMER.seconds if GC_TIMER else 0.0
    with plugins_for(with_plugin):
        start, start_cpu = time.perf_counter(), time.process_time()
        app = Application()
        app.initialize(argv)
        app.run_checks()
        app.report()
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    assert app.file_checker_manager is not None
    ks = sum(1 for _, results, _ in app.file_checker_manager.results for (code, *_) in results if code.startswith("KS"))
    gc_seconds = GC_TIMER.seconds - gc_before if GC_TIMER else 0.0
    return RunResult(seconds, cpu_seconds, gc_seconds, app.total_result_count, ks, app.catastrophic_failure)


@dataclass
class SpeedResult:
    alone: list[float] = field(default_factory=list)
    plugin: list[float] = field(default_factory=list)
    cpu_alone: list[float] = field(default_factory=list)
    cpu_plugin: list[float] = field(default_factory=list)
    gc_alone: list[float] = field(default_factory=list)
    gc_plugin: list[float] = field(default_factory=list)
    results_alone: int = 0
    results_plugin: int = 0
    ks_findings: int = 0
    failed: bool = False

    @property
    def added_percent(self) -> float:
        return (min(self.plugin) / min(self.alone) - 1.0) * 100.0

    @property
    def cpu_added_percent(self) -> float:
        return (min(self.cpu_plugin) / min(self.cpu_alone) - 1.0) * 100.0

    @property
    def busy(self) -> float:
        """Largest wall/CPU excess over the runs: how much other processes got in the way."""
        pairs = zip(self.alone + self.plugin, self.cpu_alone + self.cpu_plugin)
        return max((wall / cpu - 1.0 for wall, cpu in pairs if cpu > 0), default=0.0)


def measure_speed(files: Sequence[str], repeat: int, log: Callable[[str], None]) -> SpeedResult:
    speed = SpeedResult()
    # Warm-up (untimed): imports (the plugin, pyflakes ...) and caches.
    flake8_run(files[:3], False)
    flake8_run(files[:3], True)
    for round_ in range(repeat):
        order = (False, True) if round_ % 2 == 0 else (True, False)
        for with_plugin in order:
            run = flake8_run(files, with_plugin)
            speed.failed |= run.failed
            if with_plugin:
                speed.plugin.append(run.seconds)
                speed.cpu_plugin.append(run.cpu_seconds)
                speed.gc_plugin.append(run.gc_seconds)
                speed.results_plugin, speed.ks_findings = run.results, run.plugin_results
            else:
                speed.alone.append(run.seconds)
                speed.cpu_alone.append(run.cpu_seconds)
                speed.gc_alone.append(run.gc_seconds)
                speed.results_alone = run.results
            variant = "flake8+plugin" if with_plugin else "flake8 alone "
            log(
                f"    round {round_ + 1}: {variant} {run.seconds:8.2f} s wall, {run.cpu_seconds:8.2f} s cpu "
                f"({run.gc_seconds:.2f} s in gc)"
            )
    return speed


# --------------------------------------------------------------------------- memory (subprocesses)


def _maxrss_kib() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss  # bytes on macOS, KiB on Linux


def child_main(variant: str, file_list: str) -> None:
    """Entry point of the memory subprocesses: one flake8 run, print peak RSS as JSON.

    The measuring is done in a fork of this (still small) process. On Linux a
    process started straight from the benchmark inherits the benchmark's own
    peak RSS in ``ru_maxrss`` (it is carried over exec), which would hide the
    difference; a fork starts from the RSS of the process that forks, here a
    bare interpreter, well under flake8's own footprint.
    """
    pid = os.fork()
    if pid:
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
    code = 1
    try:
        files = Path(file_list).read_text(encoding="utf-8").splitlines()
        import flake8.main.application  # noqa: F401 - flake8's own import is in both variants

        after_import = _maxrss_kib()
        run = flake8_run(files, variant == "plugin")
        result = {
            "maxrss_kib": _maxrss_kib(),
            "after_flake8_import_kib": after_import,
            "seconds": run.seconds,
            "cpu_seconds": run.cpu_seconds,
        }
        print(json.dumps(result), flush=True)
        code = 0
    except BaseException:  # noqa: BLE001 - report, then leave the fork without the parent's cleanup
        import traceback

        traceback.print_exc()
    os._exit(code)


def measure_memory(files: Sequence[str]) -> dict[str, dict]:
    """Peak RSS of 'flake8 alone' and 'flake8 + plugin', each in its own fresh process.

    The two processes run at the same time (one core each); they share no memory.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as handle:
        handle.write("\n".join(files))
        file_list = handle.name
    try:
        script = os.path.abspath(__file__)
        procs = {
            variant: subprocess.Popen(
                [sys.executable, script, "--_child", variant, "--_file-list", file_list],
                stdout=subprocess.PIPE,
                text=True,
            )
            for variant in ("alone", "plugin")
        }
        out = {}
        for variant, proc in procs.items():
            stdout, _ = proc.communicate()
            if proc.returncode != 0:
                raise SystemExit(f"memory subprocess ({variant}) failed with exit code {proc.returncode}")
            out[variant] = json.loads(stdout.strip().splitlines()[-1])
        return out
    finally:
        os.unlink(file_list)


def measure_import_cost() -> tuple[float, bool]:
    """Seconds to import the plugin in a fresh process that imported flake8; and whether libcst came along."""
    code = (
        "import sys, time, flake8.main.application\n"
        "t = time.perf_counter()\n"
        "import flake8_keras_serial.plugin\n"
        "print(time.perf_counter() - t, 'libcst' in sys.modules)\n"
    )
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
        runs.append((float(out[0]), out[1] == "True"))
    return min(runs)


# --------------------------------------------------------------------------- plugin alone


@dataclass
class PluginAlone:
    seconds: float  # wall, sum over files of the best of --repeat
    cpu_seconds: float
    first_pass_cpu_seconds: float  # the first pass over the files (cold caches, if the plugin keeps any)
    files_checked: int  # files that parse
    files_mentioning_keras: int
    findings: int
    per_file: list[tuple[float, str, int, int]]  # seconds, file, lines, findings


def parsed(files: Sequence[str]) -> list[tuple[str, list[str], ast.Module]]:
    out = []
    for filename in files:
        lines = read_lines(filename)
        try:
            tree = ast.parse("".join(lines))
        except (SyntaxError, ValueError, RecursionError):
            continue  # flake8 reports E999 and runs no tree plugin
        out.append((filename, lines, tree))
    return out


def _check_function(check_lines: Callable) -> Callable[[list[str], ast.Module, str], list]:
    """check_lines(lines, 3, tree), with the file's name too when check_lines takes one (as the flake8 plugin
    passes it), so the plugin alone does what it does inside flake8."""
    if "filename" in inspect.signature(check_lines).parameters:
        return lambda lines, tree, filename: check_lines(lines, 3, tree, filename=filename)
    return lambda lines, tree, filename: check_lines(lines, 3, tree)


def measure_plugin_alone(files: Sequence[str], repeat: int) -> PluginAlone:
    from flake8_keras_serial.checker import check_lines
    from flake8_keras_serial.module_facts import mentions_keras

    trees = parsed(files)
    check = _check_function(check_lines)
    best: dict[str, float] = {}
    best_cpu: dict[str, float] = {}
    findings: dict[str, int] = {}
    first_pass = 0.0
    for pass_ in range(repeat):
        gc.collect()
        for filename, lines, tree in trees:
            start, start_cpu = time.perf_counter(), time.process_time()
            found = check(lines, tree, filename)
            seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
            if pass_ == 0:
                first_pass += cpu_seconds
            best[filename] = min(seconds, best.get(filename, seconds))
            best_cpu[filename] = min(cpu_seconds, best_cpu.get(filename, cpu_seconds))
            findings[filename] = len(found)
    per_file = sorted(((best[f], f, len(lines), findings[f]) for f, lines, _ in trees), reverse=True)
    return PluginAlone(
        seconds=sum(best.values()),
        cpu_seconds=sum(best_cpu.values()),
        first_pass_cpu_seconds=first_pass,
        files_checked=len(trees),
        files_mentioning_keras=sum(1 for _, lines, _ in trees if mentions_keras(lines)),
        findings=sum(findings.values()),
        per_file=per_file,
    )


def profile_plugin(files: Sequence[str], top: int) -> list[tuple[str, int, float, float]]:
    """cProfile the plugin-alone pass; top functions of this package by cumulative time."""
    from flake8_keras_serial.checker import check_lines

    trees = parsed(files)
    check = _check_function(check_lines)
    profiler = cProfile.Profile()
    profiler.enable()
    for filename, lines, tree in trees:
        check(lines, tree, filename)
    profiler.disable()
    # {(file, line, function): (primitive calls, calls, tottime, cumtime, callers)}
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = []
    for (filename, lineno, function), (_cc, ncalls, tottime, cumtime, _callers) in stats.items():
        parts = Path(filename).parts
        if PLUGIN_MODULE not in parts:
            continue
        module = ".".join(parts[parts.index(PLUGIN_MODULE):]).removesuffix(".py")
        rows.append((f"{module}:{lineno}({function})", ncalls, tottime, cumtime))
    rows.sort(key=lambda row: row[3], reverse=True)
    return rows[:top]


# --------------------------------------------------------------------------- report


def shorten(filename: str, root: Path) -> str:
    try:
        return str(Path(filename).relative_to(root.parent))
    except ValueError:
        return filename


def _runs(values: list[float]) -> str:
    return "/".join(f"{v:.2f}" for v in values)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_table(rows: list[dict]) -> None:
    header = [
        "corpus", "files", "lines", "flake8 alone (s)", "flake8+plugin (s)", "added % wall", "added % cpu",
        "budget", "speed", "mem ratio", "mem budget", "memory",
    ]  # fmt: skip
    table = [header]
    for row in rows:
        mem = row["mem_ratio"]
        table.append(
            [
                row["corpus"],
                str(row["files"]),
                str(row["lines"]),
                f"{row['alone']:.2f}",
                f"{row['plugin']:.2f}",
                f"{row['added']:+.1f}",
                f"{row['cpu_added']:+.1f}",
                f"<= {row['budget']:.0f} %",
                _verdict(row["cpu_added"] <= row["budget"]),
                f"{mem:.3f}" if mem is not None else "-",
                f"<= {MEMORY_BUDGET}x",
                _verdict(mem <= MEMORY_BUDGET) if mem is not None else "-",
            ]
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for i, r in enumerate(table):
        print("  ".join(cell.rjust(w) if j else cell.ljust(w) for j, (cell, w) in enumerate(zip(r, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(
        description=doc.split("\n\n")[0],
        epilog=doc.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--corpus", type=Path, metavar="PATH",
        help="the Keras-heavy corpus (b), a folder or a file (default: the installed keras package)")
    add("--stdlib-corpus", type=Path, metavar="PATH",
        help="the no-Keras corpus (a) (default: this Python's standard library)")
    add("--only", choices=("stdlib", "keras"), help="run one corpus only")
    add("--limit", type=int, default=100, metavar="N",
        help="files per corpus, spread evenly over the sorted file list; 0 = all (default: %(default)s)")
    add("--repeat", type=int, default=3, metavar="N",
        help="timed runs of each variant; the best is kept (default: %(default)s)")
    add("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    add("--profile", type=int, default=10, metavar="N",
        help="cProfile the plugin-alone pass on the Keras corpus and list the top N functions of the plugin "
        "by cumulative time; 0 = off (default: %(default)s)")
    add("--slowest", type=int, default=5, metavar="N",
        help="list the N files where the plugin alone spends most time (default: %(default)s)")
    add("--json", type=Path, metavar="FILE", help="also write every measurement to this JSON file")
    add("--_child", choices=("alone", "plugin"), help=argparse.SUPPRESS)
    add("--_file-list", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def measure_corpus(corpus: Corpus, args: argparse.Namespace, log: Callable[[str], None]) -> tuple[dict, PluginAlone]:
    log(f"[{corpus.name}] timing flake8 alone vs flake8 + plugin ({len(corpus.files)} files)")
    speed = measure_speed(corpus.files, args.repeat, log)
    memory = None
    if not args.no_memory:
        log(f"[{corpus.name}] peak memory (two subprocesses)")
        memory = measure_memory(corpus.files)
    log(f"[{corpus.name}] plugin alone (check_lines on parsed trees)")
    alone = measure_plugin_alone(corpus.files, args.repeat)
    data = {
        "corpus": corpus.name,
        "files": len(corpus.files),
        "lines": corpus.lines,
        "alone": min(speed.alone),
        "plugin": min(speed.plugin),
        "added": speed.added_percent,
        "cpu_alone": min(speed.cpu_alone),
        "cpu_plugin": min(speed.cpu_plugin),
        "cpu_added": speed.cpu_added_percent,
        "budget": SPEED_BUDGET[corpus.name],
        "mem_ratio": memory["plugin"]["maxrss_kib"] / memory["alone"]["maxrss_kib"] if memory else None,
        "all_files": corpus.all_files,
        "runs_alone": speed.alone,
        "runs_plugin": speed.plugin,
        "cpu_runs_alone": speed.cpu_alone,
        "cpu_runs_plugin": speed.cpu_plugin,
        "gc_runs_alone": speed.gc_alone,
        "gc_runs_plugin": speed.gc_plugin,
        "busy": speed.busy,
        "plugin_failed": speed.failed,
        "flake8_findings_alone": speed.results_alone,
        "flake8_findings_plugin": speed.results_plugin,
        "ks_findings": speed.ks_findings,
        "memory": memory,
        "plugin_alone_seconds": alone.seconds,
        "plugin_alone_cpu_seconds": alone.cpu_seconds,
        "plugin_alone_first_pass_cpu_seconds": alone.first_pass_cpu_seconds,
        "plugin_alone_files_mentioning_keras": alone.files_mentioning_keras,
        "plugin_alone_findings": alone.findings,
        "slowest_files": [
            {"seconds": s, "file": shorten(f, corpus.root), "lines": n, "findings": k}
            for s, f, n, k in alone.per_file[: args.slowest]
        ],
    }
    return data, alone


def print_details(data: dict, alone: PluginAlone) -> None:
    name = data["corpus"]
    if data["plugin_failed"]:
        print(f"{name}: WARNING: flake8 reported a plugin failure")
    print(
        f"{name}: runs (s) alone {_runs(data['runs_alone'])} wall, {_runs(data['cpu_runs_alone'])} cpu; "
        f"plugin {_runs(data['runs_plugin'])} wall, {_runs(data['cpu_runs_plugin'])} cpu"
    )
    if data["busy"] > BUSY:
        print(
            f"{name}: WARNING: a run took {data['busy'] * 100:.0f} % more wall time than CPU time: the machine was "
            f"busy and the wall-time ratio is noisy (the verdict uses CPU time)"
        )
    print(
        f"{name}: plugin alone {alone.cpu_seconds:.3f} s cpu = {alone.cpu_seconds / data['cpu_alone'] * 100:.1f} % "
        f"of flake8 alone (first pass {alone.first_pass_cpu_seconds:.3f} s); added inside flake8: "
        f"{data['cpu_plugin'] - data['cpu_alone']:+.3f} s cpu; time in the garbage collector, least of the runs: "
        f"alone {min(data['gc_runs_alone']):.3f} s, plugin {min(data['gc_runs_plugin']):.3f} s"
    )
    print(
        f"{name}: {alone.files_mentioning_keras}/{alone.files_checked} parsed files mention 'keras'; "
        f"KS findings: {data['ks_findings']} in flake8, {alone.findings} alone"
    )
    if data["memory"]:
        m = data["memory"]
        print(
            f"{name}: peak RSS flake8 alone {m['alone']['maxrss_kib'] / 1024:.1f} MiB, "
            f"flake8+plugin {m['plugin']['maxrss_kib'] / 1024:.1f} MiB "
            f"(after importing flake8: {m['alone']['after_flake8_import_kib'] / 1024:.1f} MiB)"
        )
        fresh_alone, fresh_plugin = m["alone"]["cpu_seconds"], m["plugin"]["cpu_seconds"]
        print(
            f"{name}: fresh processes (the two memory runs, side by side, one each; plugin import and "
            f"first-use costs included): {fresh_alone:.2f} vs {fresh_plugin:.2f} s cpu "
            f"({(fresh_plugin / fresh_alone - 1) * 100:+.1f} %)"
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    if args._child:
        child_main(args._child, args._file_list)
        return 0

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    global GC_TIMER
    GC_TIMER = GcTimer()
    # If the plugin keeps an on-disk cache, point it at a fresh folder: the user's own cache is left alone and
    # every benchmark starts from the same state (the subprocesses inherit it).
    cache = None
    if "KERAS_SERIAL_CACHE_DIR" not in os.environ:
        cache = tempfile.mkdtemp(prefix="bench-keras-serial-cache-")
        os.environ["KERAS_SERIAL_CACHE_DIR"] = cache
    try:
        return run_benchmark(args, log)
    finally:
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)


def run_benchmark(args: argparse.Namespace, log: Callable[[str], None]) -> int:
    import flake8

    corpora: list[Corpus] = []
    skipped_keras = False
    if args.only in (None, "stdlib"):
        corpora.append(make_corpus("stdlib", args.stdlib_corpus or stdlib_root(), args.limit))
    if args.only in (None, "keras"):
        root = args.corpus or keras_root()
        if root is not None:
            corpora.append(make_corpus("keras", root, args.limit))
        elif args.only == "keras":
            raise SystemExit("keras is not installed in this environment: pass its source folder with --corpus PATH")
        else:
            skipped_keras = True
    for corpus in corpora:
        if not corpus.files:
            raise SystemExit(f"no .py files under {corpus.root}")

    fingerprint = plugin_fingerprint()
    python = sys.version.split()[0]
    print(f"flake8 {flake8.__version__}, Python {python}, -j1, best of {args.repeat}, --keras-version=3")
    print(f"flake8-keras-serial {fingerprint}")
    others = other_plugins()
    if others:
        print(f"other installed flake8 plugins, left out of both variants: {', '.join(others)}")
    if skipped_keras:
        print("SKIPPED corpus keras: keras is not installed here; pass its source folder with --corpus PATH")
    for corpus in corpora:
        print(
            f"corpus {corpus.name}: {corpus.root} "
            f"({len(corpus.files)} of {corpus.all_files} files, {corpus.lines} lines)"
        )

    report: dict = {
        "flake8": flake8.__version__,
        "python": python,
        "plugin": fingerprint,
        "repeat": args.repeat,
        "corpora": {},
    }
    results = []
    for corpus in corpora:
        data, alone = measure_corpus(corpus, args, log)
        data["root"] = str(corpus.root)
        report["corpora"][corpus.name] = data
        results.append((data, alone))

    print()
    print_table([data for data, _ in results])
    print()
    for data, alone in results:
        print_details(data, alone)
    import_seconds, imports_libcst = measure_import_cost()
    report["plugin_import_seconds"] = import_seconds
    report["plugin_import_loads_libcst"] = imports_libcst
    print(
        f"one-off cost per flake8 process (not in the ratios above): importing the plugin takes "
        f"{import_seconds * 1000:.0f} ms ({'libcst included' if imports_libcst else 'libcst not imported'})"
    )

    for data, _ in results:
        if args.slowest and any(f["seconds"] > 0.0005 for f in data["slowest_files"]):
            print(f"\nslowest files for the plugin alone, {data['corpus']} (best wall time per file):")
            for f in data["slowest_files"]:
                milliseconds = f["seconds"] * 1000
                print(f"  {milliseconds:8.1f} ms  {f['lines']:6d} lines  {f['findings']:3d} findings  {f['file']}")

    keras = next((c for c in corpora if c.name == "keras"), None)
    if args.profile and keras is not None:
        log("[keras] profiling the plugin-alone pass")
        rows = profile_plugin(keras.files, args.profile)
        report["profile"] = [{"function": f, "ncalls": n, "tottime": t, "cumtime": c} for f, n, t, c in rows]
        print(f"\ntop {args.profile} functions of {PLUGIN_MODULE} by cumulative time (cProfile, plugin alone, keras):")
        print(f"  {'cumtime (s)':>11}  {'tottime (s)':>11}  {'calls':>8}  function")
        for function, ncalls, tottime, cumtime in rows:
            print(f"  {cumtime:11.3f}  {tottime:11.3f}  {ncalls:8d}  {function}")

    if plugin_fingerprint() != fingerprint:
        print("\nWARNING: the plugin's sources changed during the run: the results mix two versions; run again")
        report["sources_changed"] = True
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    failed = any(
        data["cpu_added"] > data["budget"] or (data["mem_ratio"] is not None and data["mem_ratio"] > MEMORY_BUDGET)
        for data, _ in results
    )
    return 1 if failed else 2 if skipped_keras else 0


if __name__ == "__main__":
    sys.exit(main())
