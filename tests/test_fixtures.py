"""Each fixture file is linted by real flake8 and must give exactly the
findings its `# expect CODE:COL` comments announce, on those lines.

A fixture named KS101.py checks KS101 under Keras 3; KS101_keras2.py under
Keras 2 (set by its `# keras-version: 2` first line).
"""

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_flake8

EXPECT = re.compile(r"# expect ((?:KS\d{3}:\d+\s*)+)")
VERSION = re.compile(r"# keras-version: (\d)")


def expected_findings(path: Path) -> list[tuple[int, int, str]]:
    found = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            for item in match.group(1).split():
                code, col = item.split(":")
                found.append((number, int(col), code))
    return sorted(found)


def fixture_version(path: Path) -> str:
    match = VERSION.match(path.read_text())
    return match.group(1) if match else "3"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("KS*.py")), ids=lambda path: path.stem)
def test_fixture(fixture: Path, tmp_path: Path) -> None:
    # Each fixture is linted as a project of its own: the cross-file rules
    # must not see the other fixtures.
    (tmp_path / "pyproject.toml").write_text("")
    shutil.copy(fixture, tmp_path / fixture.name)
    code = fixture.stem.split("_")[0]
    result = run_flake8(
        "--isolated",
        f"--select={code}",
        f"--keras-version={fixture_version(fixture)}",
        "--format=%(row)d:%(col)d:%(code)s",
        fixture.name,
        cwd=tmp_path,
    )
    assert result.stderr == ""
    got = sorted(
        (int(row), int(col), found) for row, col, found in (line.split(":") for line in result.stdout.splitlines())
    )
    expected = expected_findings(fixture)
    assert expected, f"{fixture.name} announces no finding"
    assert got == expected
    assert result.returncode == 1
