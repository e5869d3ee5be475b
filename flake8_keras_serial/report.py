"""Output formats of `keras-serial check`: text, json, github (workflow
annotations) and sarif (SARIF 2.1.0, as GitHub code scanning reads it)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .codes import CODES

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# A source checkout (or editable install) has docs/rules beside the package; `pip install`
# puts the pages under <prefix>/share (see pyproject.toml).
RULE_PAGE_FOLDERS = (
    Path(__file__).resolve().parent.parent / "docs" / "rules",
    Path(sys.prefix) / "share" / "flake8-keras-serial" / "rules",
)


@dataclass(frozen=True)
class Entry:
    path: str
    line: int
    column: int  # 1-based, as printed
    code: str
    message: str


def render(entries: list[Entry], output_format: str, docs_url: str | None = None) -> str:
    if output_format == "json":
        return json.dumps([entry.__dict__ for entry in entries], indent=2) + "\n"
    if output_format == "github":
        return "".join(_github(entry) for entry in entries)
    if output_format == "sarif":
        return json.dumps(sarif(entries, docs_url), indent=2) + "\n"
    return "".join(f"{entry.path}:{entry.line}:{entry.column}: {entry.code} {entry.message}\n" for entry in entries)


def _github(entry: Entry) -> str:
    """`::warning file=...,line=...::message`, escaped as GitHub's workflow commands want."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    level = "error" if entry.code in ("KS000", "E999", "E902") else "warning"
    return (
        f"::{level} file={prop(entry.path)},line={entry.line},col={entry.column},title={prop(entry.code)}"
        f"::{data(entry.code + ' ' + entry.message)}\n"
    )


def rule_page(code: str) -> str | None:
    """The rule's page (docs/rules/KS###.md), from the source tree or the installed copy."""
    for folder in RULE_PAGE_FOLDERS:
        page = folder / f"{code}.md"
        if page.is_file():
            return page.read_text(encoding="utf-8")
    return None


def sarif(entries: list[Entry], docs_url: str | None = None) -> dict:
    codes = sorted({entry.code for entry in entries} | {code for code in CODES if code.startswith("KS")})
    rules = []
    for code in codes:
        rule = {
            "id": code,
            "name": code,
            "shortDescription": {"text": CODES.get(code, "Python syntax error or unreadable file")},
            "defaultConfiguration": {"level": _level(code)},
        }
        page = rule_page(code)
        if page:
            rule["help"] = {"text": CODES.get(code, code), "markdown": page}
        if docs_url and code in CODES:
            rule["helpUri"] = f"{docs_url.rstrip('/')}/{code}.md"
        rules.append(rule)
    index = {code: position for position, code in enumerate(codes)}
    results = [
        {
            "ruleId": entry.code,
            "ruleIndex": index[entry.code],
            "level": _level(entry.code),
            "message": {"text": entry.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": Path(entry.path).as_posix(), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": entry.line, "startColumn": entry.column},
                    }
                }
            ],
        }
        for entry in entries
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "flake8-keras-serial", "version": __version__, "rules": rules}},
                "results": results,
            }
        ],
    }


def _level(code: str) -> str:
    return "error" if code in ("KS000", "E999", "E902") else "warning"
