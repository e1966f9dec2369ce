"""Lines do not end with spaces or tabs.

Reason: trailing spaces are invisible in an editor and in a review, yet two of
them at the end of a line inside a paragraph make a hard line break on the
page: the document reads differently from what the reviewer saw. They also
make diffs noisy ("whitespace-only" changes to a safety instruction). Code
blocks and raw HTML blocks are left alone (there spaces can be content).

``safetykb check --fix`` deletes trailing spaces and tabs. Where two or more
spaces made a hard line break inside a paragraph, it writes ``<br>`` instead,
so the page keeps its line break and the break becomes visible in the text.

Failing example (``·`` is a space)::

    1. Stop the press.··
    2. Wait for the flywheel to stop.·

Passing example::

    1. Stop the press.
    2. Wait for the flywheel to stop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..markdown import parser
from ..model import Document
from .base import Context, Finding

ID = "TX002"
NAME = "trailing-whitespace"
DESCRIPTION = "A line ends with spaces or tabs (two spaces are a hidden line break)."
LEVEL = "warning"
SCOPE = "document"

_MD = parser(inline=False)
_TRAILING = re.compile(r"[ \t]+$")


def trailing(text: str, body_line: int) -> list[tuple[int, int, bool]]:
    """(0-based line, column where the whitespace starts, hard line break?)
    for each line of ``text`` ending in spaces or tabs, outside code and raw
    HTML blocks."""
    if " \n" not in text and "\t\n" not in text and not text.endswith((" ", "\t")):
        return []
    lines = text.split("\n")
    start = body_line - 1
    skip: set[int] = set()
    breaks: set[int] = set()
    for tok in _MD.parse("\n".join(lines[start:])):
        if not tok.map:
            continue
        first, end = tok.map[0] + start, tok.map[1] + start
        if tok.type in ("fence", "code_block", "html_block"):
            skip.update(range(first, end))
        elif tok.type == "paragraph_open":
            breaks.update(range(first, end - 1))  # every line but the paragraph's last
    out = []
    for number, line in enumerate(lines):
        if number in skip:
            continue
        match = _TRAILING.search(line)
        if match:
            spaces = match.group(0)
            hard = number in breaks and (len(spaces) >= 2 and spaces.endswith("  ")) \
                and bool(line.strip())
            out.append((number, match.start(), hard))
    return out


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    for number, column, hard in trailing(doc.text, doc.body_line):
        if hard:
            message = ("two trailing spaces make a hidden line break here; write <br> if the "
                       "break is meant, else delete them (safetykb check --fix writes <br>)")
        else:
            message = "trailing spaces or tabs at the end of the line; delete them " \
                      "(safetykb check --fix does)"
        yield Finding(number + 1, message, column=column + 1)


def fix(doc: Document, text: str) -> str:
    """Delete trailing spaces and tabs; a hard line break becomes ``<br>``."""
    found = trailing(text, doc.body_line)
    if not found:
        return text
    lines = text.split("\n")
    for number, column, hard in found:
        lines[number] = lines[number][:column].rstrip(" \t") + ("<br>" if hard else "")
    return "\n".join(lines)
