"""The Keras version a project is checked against: `--keras-version` 2, 3, 3.N and auto.

The fixtures in fixtures/versions/ are linted by real flake8 at the version named
on their first line (`# keras-version: 3.4`) and must give exactly the findings
their `# expect CODE:COL` comments announce.
"""

import re
import shutil
from importlib import metadata
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli, run_flake8
from test_fixtures import expected_findings

from flake8_keras_serial.versions import KerasTarget, parse_choice

VERSION_FIXTURES = FIXTURES / "versions"
HEADER = re.compile(r"# keras-version: (\S+)")


def _lint(fixture: Path, folder: Path) -> list[tuple[int, int, str]]:
    (folder / "pyproject.toml").write_text("")
    shutil.copy(fixture, folder / fixture.name)
    version = HEADER.match(fixture.read_text()).group(1)
    result = run_flake8(
        "--isolated",
        f"--select={fixture.stem.split('_')[0]}",
        f"--keras-version={version}",
        "--format=%(row)d:%(col)d:%(code)s",
        fixture.name,
        cwd=folder,
    )
    assert result.stderr == ""
    return sorted((int(row), int(col), code) for row, col, code in (line.split(":") for line in result.stdout.split()))


@pytest.mark.parametrize("fixture", sorted(VERSION_FIXTURES.glob("KS*.py")), ids=lambda path: path.stem)
def test_version_fixture(fixture: Path, tmp_path: Path) -> None:
    expected = expected_findings(fixture)
    assert expected, f"{fixture.name} announces no finding"
    assert _lint(fixture, tmp_path) == expected


def test_choices() -> None:
    assert (int(parse_choice("3.5")), parse_choice("3.5").minor) == (3, 5)
    assert (int(parse_choice("3")), parse_choice("3").minor) == (3, None)
    assert (int(parse_choice("2")), parse_choice("2").minor) == (2, None)
    for wrong in ("4", "2.15", "3.", "3.x", "latest"):
        with pytest.raises(ValueError, match="auto, 2, 3 or 3.N"):
            parse_choice(wrong)


def test_bare_3_is_the_newest_keras_3() -> None:
    newest = KerasTarget.for_file(parse_choice("3"), imports_tf_keras=False)
    assert newest.keras3_at_least(14) and newest.keras3_at_least(99)
    older = KerasTarget.for_file(parse_choice("3.13"), imports_tf_keras=False)
    assert older.keras3_at_least(13) and not older.keras3_at_least(14)
    assert not KerasTarget.for_file(parse_choice("3.13"), imports_tf_keras=True).keras3_at_least(0)


def test_auto_reads_the_installed_keras_minor(monkeypatch) -> None:
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)
    installed = metadata.version("keras").split(".")
    found = parse_choice("auto")
    assert (int(found), found.minor) == (int(installed[0]), int(installed[1]))
    assert found.auto and found.reason == f"keras {metadata.version('keras')} installed"


SOURCE = """import keras

model = keras.Sequential([keras.layers.Dense(1)])
model.save("hf://user/repo")
model.save_weights("w.weights.json", max_shard_size=0.5)
model.save("my_model")
"""


def test_cli_takes_a_minor(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(SOURCE)
    old = run_cli("check", "--keras-version=3.4", "model.py", cwd=tmp_path)
    assert [line.split(" ")[:2] for line in old.stdout.splitlines() if line.startswith("model.py:")] == [
        ["model.py:4:1:", "KS307"],
        ["model.py:5:1:", "KS307"],
        ["model.py:6:1:", "KS307"],
    ]
    assert old.returncode == 1
    newest = run_cli("check", "--keras-version=3", "model.py", cwd=tmp_path)
    assert [line.split(" ")[:2] for line in newest.stdout.splitlines() if line.startswith("model.py:")] == [
        ["model.py:6:1:", "KS307"],
    ]
    wrong = run_cli("check", "--keras-version=3.x", "model.py", cwd=tmp_path)
    assert wrong.returncode == 2


@pytest.mark.parametrize("version", ["3.3", "3.13", "3"])
def test_fix_leaves_newer_forms_alone(tmp_path: Path, version: str) -> None:
    """Below their minor the forms are reported, and `fix` must still not rewrite them."""
    source = "".join(
        line.split("  #")[0] + "\n"
        for line in (VERSION_FIXTURES / "KS307_keras3_3.py").read_text().splitlines()
        if not line.startswith("model.save(\"model") and not line.startswith("model.save_weights(\"model")
    )
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "model.py").write_text(source)
    result = run_cli("fix", "--write", f"--keras-version={version}", "model.py", cwd=tmp_path)
    assert (tmp_path / "model.py").read_text() == source
    refused = [line.split(" ")[0] for line in result.stderr.splitlines() if "KS307 not fixed" in line]
    reported = {"3.3": 8, "3.13": 2, "3": 0}[version]  # the fixture's forms that fail before 3.4 / 3.14
    assert len(refused) == reported
    assert result.returncode == 0
