"""`keras-serial check` gives the same findings as flake8; `rules` lists the codes."""

from pathlib import Path

from conftest import FIXTURES, run_cli, run_flake8

from flake8_keras_serial.codes import CODES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


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
        "KS104", "KS101", "KS102", "KS103", "KS101", "KS104"
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
    assert one.stdout == f"KS102  {CODES['KS102']}\n"
