#!/usr/bin/env python
"""Lint published Keras projects and sample the findings per code, for judging precision.

    python bench/corpus.py fetch            # pip download the pinned projects, unpack them
    python bench/corpus.py lint             # flake8 --select=KS on each, as its own project
    python bench/corpus.py sample --per-code 20 [--seed 1]   # a spread sample per code, to judge
    python bench/corpus.py precision        # the judged labels against the last `lint`: precision per code

The projects are pinned by version on the package index (a release is a fixed snapshot
of the project's source, like a commit). Nothing fetched is committed: the sources go to
the cache folder (`--dest`, default `$XDG_CACHE_HOME/flake8-keras-serial-corpus`).
Each project is linted with the Keras its release was written for (the `keras` column
below: 2 for code written for `tf.keras` before TensorFlow 2.16 or for `tf_keras`,
3 for Keras 3), so a finding is judged against the Keras the code runs under.

`lint` writes `findings.json` (every finding: project, path, line, col, code, message)
and prints the count per code and per project, the longest message, and files that
gave KS000 (an internal error of the plugin). `sample` prints, per code, findings
spread over the projects (round-robin, seeded), each with the source lines around it,
ready to be judged true or false by reading the code.

`precision` joins `findings.json` (the last `lint`) with the judged findings in
`bench/corpus_labels.toml` (project, version, file, line, code, label TP/FP, reason)
and prints, per code, how many labelled findings are still reported: the precision
is labelled TP still found / labelled findings still found. A labelled finding that
the linter no longer reports counts as removed (good for an FP, a lost true finding
for a TP, listed by name).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

# (distribution, version, Keras the release targets). Twenty-plus projects that ship
# Keras layers, models, losses and save/load code; versions pinned.
PROJECTS: list[tuple[str, str, int]] = [
    ("keras", "3.15.1", 3),
    ("keras-hub", "0.32.0", 3),
    ("tf-keras", "2.21.0", 2),
    ("keras-cv", "0.9.0", 3),
    ("tf-models-official", "2.20.0", 2),
    ("qkeras", "0.9.0", 2),
    ("spektral", "1.3.1", 2),
    ("deepctr", "0.9.4", 2),
    ("keras-tcn", "3.5.7", 3),
    ("keras-tuner", "1.4.8", 3),
    ("tensorflow-model-optimization", "0.8.1", 2),
    ("tensorflow-addons", "0.23.0", 2),
    ("tensorflow-gnn", "1.0.3", 2),
    ("bert4keras", "0.11.5", 2),
    ("segmentation-models", "1.0.1", 2),
    ("efficientnet", "1.1.1", 2),
    ("keras-self-attention", "0.51.0", 2),
    ("keras-bert", "0.89.0", 2),
    ("vit-keras", "0.2.0", 2),
    ("tensorflow-recommenders", "0.7.7", 2),
    ("tensorflow-ranking", "0.5.5", 2),
    ("autokeras", "3.0.0", 3),
    ("larq", "0.14.0", 2),
    ("kapre", "0.4.1", 2),
    ("keras-rl2", "1.0.5", 2),
    ("keras-retinanet", "1.0.0", 2),
    ("tensorflow-similarity", "0.17.1", 2),
]


def default_dest() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "flake8-keras-serial-corpus"


def project_folder(dest: Path, name: str, version: str) -> Path:
    return dest / "src" / f"{name}-{version}"


def fetch(dest: Path) -> int:
    downloads = dest / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    failed = []
    for name, version, _ in PROJECTS:
        target = project_folder(dest, name, version)
        if target.is_dir() and any(target.iterdir()):
            continue
        folder = downloads / f"{name}-{version}"
        folder.mkdir(exist_ok=True)
        if not any(folder.iterdir()):
            result = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(folder), f"{name}=={version}"],
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                failed.append(f"{name}=={version}: {result.stderr.strip().splitlines()[-1:]}")
                continue
        archive = next(iter(sorted(folder.iterdir())))
        _unpack(archive, target)
        print(f"{name}=={version}: {sum(1 for _ in target.rglob('*.py'))} Python files")
    for line in failed:
        print(f"not fetched: {line}", file=sys.stderr)
    return 1 if failed else 0


def _unpack(archive: Path, target: Path) -> None:
    """Only .py files (and setup files, for the version a project declares) are kept."""
    target.mkdir(parents=True, exist_ok=True)
    keep = re.compile(r"(\.py|setup\.cfg|pyproject\.toml|requirements[^/]*\.txt)$")
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.namelist():
                if keep.search(member) and ".." not in member:
                    bundle.extract(member, target)
    else:
        with tarfile.open(archive) as bundle:
            members = [m for m in bundle.getmembers() if m.isfile() and keep.search(m.name) and ".." not in m.name]
            bundle.extractall(target, members=members, filter="data")


def lint(dest: Path) -> int:
    findings = []
    files = 0
    for name, version, major in PROJECTS:
        folder = project_folder(dest, name, version)
        if not folder.is_dir():
            print(f"{name}: not fetched (run `fetch`)", file=sys.stderr)
            continue
        files += sum(1 for _ in folder.rglob("*.py"))
        result = subprocess.run(
            [
                sys.executable, "-m", "flake8", "--isolated", "--select=KS", f"--keras-version={major}",
                f"--keras-project-root={folder}", "--format=%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s", ".",
            ],
            capture_output=True,
            text=True,
            cwd=folder,
        )
        if result.returncode not in (0, 1):
            print(f"{name}: flake8 exited {result.returncode}: {result.stderr.strip()[-300:]}", file=sys.stderr)
        for line in result.stdout.splitlines():
            parts = line.split("\t", 4)
            if len(parts) == 5:
                path, row, col, code, text = parts
                findings.append(
                    {"project": name, "path": path, "line": int(row), "col": int(col), "code": code, "message": text}
                )
    (dest / "findings.json").write_text(json.dumps(findings, indent=1))
    by_code = Counter(f["code"] for f in findings)
    print(f"{files} files, {len(findings)} findings")
    for code, count in sorted(by_code.items()):
        projects = Counter(f["project"] for f in findings if f["code"] == code)
        print(f"{code} {count:5d}  " + ", ".join(f"{p} {n}" for p, n in projects.most_common(6)))
    if findings:
        longest = max(findings, key=lambda f: len(f["message"]))
        print(f"longest message: {len(longest['message'])} characters ({longest['code']}, {longest['project']})")
    return 0


def sample(dest: Path, per_code: int, seed: int, codes: list[str]) -> int:
    findings = json.loads((dest / "findings.json").read_text())
    rng = random.Random(seed)
    grouped: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if finding["path"].replace("\\", "/").split("/")[-1].startswith("test") and finding["code"] == "KS301":
            continue  # tests load what they just saved in the same process
        grouped[finding["code"]][finding["project"]].append(finding)
    versions = {name: version for name, version, _ in PROJECTS}
    for code in sorted(grouped):
        if codes and code not in codes:
            continue
        pools = {project: rng.sample(items, len(items)) for project, items in sorted(grouped[code].items())}
        picked = []
        while len(picked) < per_code and any(pools.values()):
            for project in list(pools):
                if pools[project] and len(picked) < per_code:
                    picked.append(pools[project].pop())
        print(f"\n=== {code}: {len(picked)} of {sum(len(v) for v in grouped[code].values())}")
        for finding in picked:
            folder = project_folder(dest, finding["project"], versions[finding["project"]])
            path = folder / finding["path"]
            print(f"\n--- {finding['project']} {finding['path']}:{finding['line']}:{finding['col']}")
            print(f"    {finding['code']} {finding['message']}")
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            start = max(0, finding["line"] - 3)
            for number in range(start, min(len(lines), finding["line"] + 2)):
                print(f"    {number + 1:5d} | {lines[number]}")
    return 0


LABELS = Path(__file__).with_name("corpus_labels.toml")


def _finding_key(project: str, file: str, line: int, code: str) -> tuple[str, str, int, str]:
    return project, file.replace("\\", "/").removeprefix("./"), int(line), code


def load_labels(path: Path = LABELS) -> list[dict]:
    """The judged findings; each one is checked against the pinned version it was judged on."""
    labels = tomllib.loads(path.read_text(encoding="utf-8")).get("label", [])
    versions = {name: version for name, version, _ in PROJECTS}
    for entry in labels:
        if entry["label"] not in ("TP", "FP"):
            raise ValueError(f"label must be TP or FP: {entry}")
        if versions.get(entry["project"]) != entry["version"]:
            raise ValueError(f"label for a version not in PROJECTS: {entry['project']} {entry['version']}")
    return labels


def precision(dest: Path, labels_path: Path) -> int:
    findings = json.loads((dest / "findings.json").read_text())
    reported = {_finding_key(f["project"], f["path"], f["line"], f["code"]) for f in findings}
    total = Counter(f["code"] for f in findings)
    rows: dict[str, Counter] = defaultdict(Counter)
    lost_true = []
    for entry in load_labels(labels_path):
        key = _finding_key(entry["project"], entry["file"], entry["line"], entry["code"])
        still = key in reported
        rows[entry["code"]][(entry["label"], still)] += 1
        if entry["label"] == "TP" and not still:
            lost_true.append(f"{entry['code']} {entry['project']} {key[1]}:{key[2]}: {entry['reason']}")
    header = f"{'code':6} {'found':>5} {'judged':>6} {'TP':>3} {'FP':>3} {'precision':>9}   no longer found: TP FP"
    print(header)
    all_tp = all_fp = all_judged = 0
    for code in sorted(set(rows) | set(total)):
        counts = rows[code]
        tp, fp = counts[("TP", True)], counts[("FP", True)]
        all_tp, all_fp, all_judged = all_tp + tp, all_fp + fp, all_judged + sum(counts.values())
        share = f"{tp / (tp + fp):.0%}" if tp + fp else "-"
        removed = f"{counts[('TP', False)]:2d} {counts[('FP', False)]:2d}"
        print(f"{code:6} {total[code]:5d} {sum(counts.values()):6d} {tp:3d} {fp:3d} {share:>9}   {removed:>21}")
    if all_tp + all_fp:
        print(f"{'all':6} {sum(total.values()):5d} {all_judged:6d} {all_tp:3d} {all_fp:3d} {all_tp / (all_tp + all_fp):9.0%}")
    for line in lost_true:
        print(f"true finding no longer reported: {line}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("fetch", "lint", "sample", "precision"))
    parser.add_argument("--dest", type=Path, default=default_dest())
    parser.add_argument("--per-code", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--labels", type=Path, default=LABELS, help="judged findings for `precision`")
    parser.add_argument("--codes", default="", help="comma-separated codes for `sample` (default: all)")
    arguments = parser.parse_args()
    if arguments.command == "fetch":
        return fetch(arguments.dest)
    if arguments.command == "lint":
        return lint(arguments.dest)
    if arguments.command == "precision":
        return precision(arguments.dest, arguments.labels)
    codes = [code.strip().upper() for code in arguments.codes.split(",") if code.strip()]
    return sample(arguments.dest, arguments.per_code, arguments.seed, codes)


if __name__ == "__main__":
    sys.exit(main())
