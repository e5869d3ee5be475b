"""The README is the user's reference: its rule table and sample output must be true."""

import re
from pathlib import Path

from conftest import run_flake8

from flake8_keras_serial.codes import CODES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_rule_table_lists_exactly_the_codes():
    rules_section = README.split("\n## Rules\n", 1)[1].split("\n## ", 1)[0]
    table_codes = re.findall(r"^\| (KS\d{3}) \|", rules_section, flags=re.MULTILINE)
    assert table_codes == list(CODES)


def test_every_rule_has_a_fixture():
    fixtures = {path.stem.split("_")[0] for path in (ROOT / "tests" / "fixtures").glob("KS*.py")}
    # KS000 is the plugin's own failure; KS9xx come from the verifier (tests/test_verify.py).
    assert fixtures == set(CODES) - {"KS000", "KS901", "KS902"}


def test_sample_output_is_what_flake8_prints():
    sample = README.split("The first command prints, among others:", 1)[1].split("```")[1].strip().splitlines()
    result = run_flake8("--isolated", "--select=KS", "--keras-version=3", "examples/classic_model.py", cwd=ROOT)
    printed = result.stdout.splitlines()
    assert len(sample) == 3
    for line in sample:
        assert line in printed


def test_fix_table_names_only_codes_with_a_fixer():
    from flake8_keras_serial.fixes.engine import FIXERS

    fixes_section = README.split("\n## Fixes\n", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\| (KS\d{3}) \|", fixes_section, flags=re.MULTILINE) == sorted(FIXERS)


def test_every_code_has_its_rule_page_and_every_page_a_code():
    pages = {path.stem for path in (ROOT / "docs" / "rules").glob("*.md")}
    assert pages == set(CODES)
    for code in CODES:
        text = (ROOT / "docs" / "rules" / f"{code}.md").read_text()
        assert text.startswith(f"# {code}: ")
        headings = [line for line in text.splitlines() if line.startswith("## ")]
        assert headings[:3] == ["## What it does", "## Why is this bad", "## Example"], code
