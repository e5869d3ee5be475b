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


# --- auto: the project's declared dependencies ------------------------------------

from flake8_keras_serial.dependencies import assumed_line, decide, parse_requirement  # noqa: E402


def _decided(*lines: str):
    found = decide(parse_requirement(line, "requirements.txt") for line in lines)
    return None if found is None else (int(found), found.minor, found.reason)


@pytest.mark.parametrize(
    "lines, expected",
    [
        (["tensorflow<2.16"], (2, None, "tensorflow<2.16 in requirements.txt")),
        (["tensorflow >= 2.10, < 2.16"], (2, None, "tensorflow>=2.10,<2.16 in requirements.txt")),
        (["tensorflow==2.15.1"], (2, None, "tensorflow==2.15.1 in requirements.txt")),
        (["tensorflow-cpu<=2.15"], (2, None, "tensorflow-cpu<=2.15 in requirements.txt")),
        (["tensorflow~=2.15.0"], (2, None, "tensorflow~=2.15.0 in requirements.txt")),
        (["tensorflow==2.13.*"], (2, None, "tensorflow==2.13.* in requirements.txt")),
        (["keras<3"], (2, None, "keras<3 in requirements.txt")),
        (["Keras==2.15.0"], (2, None, "Keras==2.15.0 in requirements.txt")),
        (["tensorflow>=2.16", "tf_keras"], (2, None, "tf_keras in requirements.txt")),
        (["tf-keras~=2.16 ; python_version >= '3.9'"], (2, None, "tf-keras~=2.16 in requirements.txt")),
        (["keras>=3.5", "tf_keras"], (3, 5, "keras>=3.5 in requirements.txt")),
        (["keras==3.10.0"], (3, 10, "keras==3.10.0 in requirements.txt")),
        (["tensorflow>=2.16"], (3, None, "tensorflow>=2.16 in requirements.txt")),
        # Allow TF 2.16 or later: not Keras 2.
        (["tensorflow~=2.15"], None),
        (["tensorflow>=2.12"], None),
        (["tensorflow<3"], None),
        (["numpy", "# tensorflow<2.16", "-e ."], None),
    ],
)
def test_declared_dependencies(lines, expected) -> None:
    assert _decided(*lines) == expected


SAVED_MODEL_SCRIPT = """import tensorflow as tf

model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
model.save("my_model")
"""


@pytest.mark.parametrize(
    "files, findings, line",
    [
        ({"requirements.txt": "numpy\ntensorflow<2.16\n"}, [], "Keras 2 assumed: tensorflow<2.16 in requirements.txt"),
        ({"requirements-dev.txt": "-r requirements/base.txt\n", "requirements/base.txt": "keras<3\n"}, [],
         "Keras 2 assumed: keras<3 in requirements/base.txt"),
        ({"setup.py": (
            "from setuptools import setup\nREQUIRED = ['tf_keras>=2.16']\nsetup(install_requires=REQUIRED)\n"
        )},
         [], "Keras 2 assumed: tf_keras>=2.16 in setup.py"),
        ({"setup.cfg": "[options]\ninstall_requires =\n    numpy\n    tensorflow==2.15.0\n"}, [],
         "Keras 2 assumed: tensorflow==2.15.0 in setup.cfg"),
        ({"pyproject.toml": '[project]\nname = "p"\ndependencies = ["keras>=3.4", "tensorflow"]\n'},
         ["4:1:KS307"], "Keras 3.4 assumed: keras>=3.4 in pyproject.toml"),
        ({"pyproject.toml": '[tool.poetry.dependencies]\ntensorflow = "^2.12"\n'},
         ["4:1:KS307"], None),
    ],
)
def test_auto_reads_the_project_dependencies(tmp_path: Path, files, findings, line) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "model.py").write_text(SAVED_MODEL_SCRIPT)
    # A lint environment with Keras 3 installed and no TF_USE_LEGACY_KERAS.
    result = run_flake8("--select=KS", "--format=%(row)d:%(col)d:%(code)s", "model.py", cwd=tmp_path,
                        env={"TF_USE_LEGACY_KERAS": ""})
    assert result.stdout.split() == findings
    keras_version = metadata.version("keras")
    installed = f"Keras 3.{keras_version.split('.')[1]} assumed: keras {keras_version} installed"
    assert assumed_line(parse_choice("auto"), [str(tmp_path / "model.py")]) == (line or installed)


def test_the_option_wins_over_the_dependencies(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "requirements.txt").write_text("tensorflow<2.16\n")
    (tmp_path / "model.py").write_text(SAVED_MODEL_SCRIPT)
    result = run_flake8("--select=KS", "--keras-version=3", "--format=%(row)d:%(col)d:%(code)s", "model.py",
                        cwd=tmp_path)
    assert result.stdout.split() == ["4:1:KS307"]
    assert assumed_line(parse_choice("3"), [str(tmp_path / "model.py")]) == "Keras 3 assumed: --keras-version=3"
