"""Output formats of `keras-serial check`: text, json, github (workflow
annotations) and sarif (SARIF 2.1.0, as GitHub code scanning reads it).

Every format links a finding to its rule page: the page's URL when the pages are
published (`--docs-url`, or the package's `Project-URL: Rules`), else the page
installed with the package, as a file URI (`keras-serial rules KS###` prints it).

Every format shows the same one-line message, at most 300 characters with its code; a
message that was shortened ends "(all: keras-serial check --format json)", and json's
`details` holds the whole list (messages.py)."""

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
    message: str  # one line, at most messages.MAX_MESSAGE characters with the code (checker.py)
    # The whole of what the message names in part (Finding.details): json prints it, text does not.
    details: tuple[str, ...] = ()


def render(entries: list[Entry], output_format: str, docs_url: str | None = None, hyperlinks: bool = False) -> str:
    """The findings in `output_format`. `hyperlinks` (text format, for a terminal): each code
    becomes a terminal hyperlink (OSC 8) to its rule page."""
    if output_format == "json":
        rows = [
            {**entry.__dict__, "details": list(entry.details), "rule_page": rule_link(entry.code, docs_url)}
            for entry in entries
        ]
        return json.dumps(rows, indent=2) + "\n"
    if output_format == "github":
        return "".join(_github(entry, docs_url) for entry in entries)
    if output_format == "sarif":
        return json.dumps(sarif(entries, docs_url), indent=2) + "\n"
    return "".join(
        f"{entry.path}:{entry.line}:{entry.column}: {_code(entry.code, docs_url, hyperlinks)} {entry.message}\n"
        for entry in entries
    )


def summary(entries: list[Entry]) -> str:
    """The text format's closing line: how many findings of which codes, and how to read their pages."""
    if not entries:
        return ""
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.code] = counts.get(entry.code, 0) + 1
    by_code = ", ".join(f"{code} ({count})" if count > 1 else code for code, count in sorted(counts.items()))
    noun = "finding" if len(entries) == 1 else "findings"
    ours = sorted(code for code in counts if code in CODES)
    pointer = f". Why each breaks, and what to write instead: keras-serial rules {ours[0]}" if ours else ""
    return f"Found {len(entries)} {noun}: {by_code}{pointer}\n"


def docs_base_url() -> str | None:
    """The published rule pages, when the installed package names them (`[project.urls] Rules`)."""
    from importlib import metadata

    try:
        project_urls = metadata.metadata("flake8-keras-serial").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for project_url in project_urls:
        label, _, url = project_url.partition(",")
        if label.strip().lower() == "rules" and url.strip():
            return url.strip()
    return None


def rule_link(code: str, docs_url: str | None = None) -> str | None:
    """`<docs_url>/KS###.md`, else the installed page as a file URI; None for codes not ours."""
    if code not in CODES:
        return None
    if docs_url:
        return f"{docs_url.rstrip('/')}/{code}.md"
    page = _rule_page_path(code)
    return page.as_uri() if page else None


def _code(code: str, docs_url: str | None, hyperlinks: bool) -> str:
    link = rule_link(code, docs_url) if hyperlinks else None
    if not link:
        return code
    return f"\033]8;;{link}\033\\{code}\033]8;;\033\\"


def _github(entry: Entry, docs_url: str | None) -> str:
    """`::warning file=...,line=...::message`, escaped as GitHub's workflow commands want.

    A second line of the annotation says where the rule's page is."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    message = f"{entry.code} {entry.message}"
    if entry.code in CODES:
        message += f"\n{docs_url.rstrip('/')}/{entry.code}.md" if docs_url else f"\nkeras-serial rules {entry.code}"
    return (
        f"::{_level(entry.code)} file={prop(entry.path)},line={entry.line},col={entry.column},"
        f"title={prop(entry.code)}::{data(message)}\n"
    )


def _rule_page_path(code: str) -> Path | None:
    for folder in RULE_PAGE_FOLDERS:
        page = folder / f"{code}.md"
        if page.is_file():
            return page.resolve()
    return None


def rule_page(code: str) -> str | None:
    """The rule's page (docs/rules/KS###.md), from the source tree or the installed copy."""
    page = _rule_page_path(code)
    return page.read_text(encoding="utf-8") if page else None


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
        if docs_url and code in CODES:  # an absolute URL GitHub can open; a file URI would point nowhere there
            rule["helpUri"] = rule_link(code, docs_url)
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
