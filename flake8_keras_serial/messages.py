"""Messages are one line a person reads: at most MAX_MESSAGE characters, whatever
the size of the project. A rule names a few items of a list (`name_few`) and puts
the whole list in its finding's `details`, which `--format json` prints; the
checker bounds every message (`shown`), so no rule can exceed the bound.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

# The longest line a finding shows after its position: "KS301 message", code included.
MAX_MESSAGE = 300
ELLIPSIS = "…"
# Ends a message that was shortened: where the rest is.
HINT = "(all: keras-serial check --format json)"


def one_line(text: str) -> str:
    """`text` on one line: newlines, tabs and runs of spaces become one space; no space at the ends."""
    return " ".join(text.split())


def bounded(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` on one line of at most `limit` characters: when longer, cut at the last word
    boundary that leaves room for "…" (mid-word only when a single word fills the line)."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    room = limit - len(ELLIPSIS)
    cut = text[:room]
    if text[room] != " ":  # the cut falls inside a word: go back to its start
        space = cut.rfind(" ")
        if space > 0:
            cut = cut[:space]
    return cut.rstrip(" ,;:") + ELLIPSIS


def name_few(names: Iterable[str], limit: int = 3) -> str:
    """"A", "A and B", "A, B and C"; beyond `limit` names, "A, B, C and 4 more"."""
    names = list(names)
    if len(names) <= limit:
        return " and ".join(filter(None, [", ".join(names[:-1]), *names[-1:]]))
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


def shown(code: str, message: str, details: Sequence[str] = ()) -> tuple[str, tuple[str, ...]]:
    """The message a finding shows after `code` and its details, so that "CODE message" is one
    line of at most MAX_MESSAGE characters.

    A message that was cut ends with HINT (within the bound); one that fits but does not name
    every item of `details` ("A, B, C and 4 more") ends with it when it still fits, so the
    advice at its end is never cut for the hint. A message cut with no details keeps its
    whole text as the details, so that `--format json` still has all of it."""
    text = one_line(message)
    room = MAX_MESSAGE - len(code) - 1
    if len(text) <= room:
        if all(_names(text, item) for item in details) or len(text) + 1 + len(HINT) > room:
            return text, tuple(details)
        return f"{text} {HINT}", tuple(details)
    return f"{bounded(text, room - 1 - len(HINT))} {HINT}", tuple(details) or (text,)


def _names(text: str, item: str) -> bool:
    """`item` appears in `text` as a whole name, not inside a longer one."""
    return re.search(rf"(?<!\w){re.escape(item)}(?!\w)", text) is not None
