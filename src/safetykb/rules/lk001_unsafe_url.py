"""Links must not use script or local-file URLs.

Reason: a ``javascript:`` link runs code in the reader's browser; ``data:``,
``vbscript:`` and ``file:`` URLs open content that nobody reviewed, or files on
the reader's own PC. The site's sanitiser drops them from pages, but the
Markdown source is also read elsewhere (the repository's preview, editors,
printed sheets), so they are refused here (also when disguised with entities or
spaces, as in ``java&#115;cript:``). Inline code (```javascript:x```) is shown
literally and not checked; code spans are found by a linear scan.

Failing example::

    [Report a hazard](javascript:alert(document.cookie))

Passing example::

    [Report a hazard](../checklists/team/cl-hd-001.md)
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from ..model import Document
from ._text import quoted
from .base import Context, Finding

ID = "LK001"
NAME = "unsafe-url"
DESCRIPTION = "A link uses a javascript:, vbscript:, data: or file: URL."
LEVEL = "error"
SCOPE = "document"

# A destination runs to the closing ')' or '>': browsers drop the tabs and
# newlines that entities can hide inside it (jav&#x09;ascript:).
_DEST = re.compile(r"(?:\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?|<(?=[a-z]))\s*([^)>]*)", re.I)
_TICKS = re.compile(r"`+")
#: Script and local-file URLs (HT001 leaves images with these to this rule).
UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|livescript|data|file):", re.I)
_HIDDEN = re.compile(r"[\s\x00-\x1f]+")


def blank_code_spans(line: str) -> str:
    """``line`` with its inline code spans (shown literally, never as links)
    replaced by spaces, as CommonMark reads them: a run of N backticks opens a
    span that the next run of exactly N closes; a run with no such closer is
    literal text. Linear in the line's length (each run is looked at twice)."""
    if "`" not in line:
        return line
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(line)]
    following: list[int] = [-1] * len(runs)  # next run of the same length
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last.get(length, -1)
        last[length] = index
    out: list[str] = []
    pos = index = 0
    while index < len(runs):
        closer = following[index]
        if closer < 0:
            index += 1
            continue
        start, end = runs[index][0], runs[closer][1]
        out.append(line[pos:start])
        out.append(" " * (end - start))
        pos = end
        index = closer + 1
    out.append(line[pos:])
    return "".join(out)


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    lowered = doc.body.lower()
    if not any(s in lowered for s in ("script", "data", "file", "&#", "&")):
        return
    for number, line in enumerate(doc.body.split("\n"), start=doc.body_line):
        if number in doc.code_lines or ":" not in html.unescape(line):
            continue
        # Inline code is shown literally, never as a link.
        plain = html.unescape(blank_code_spans(line))
        for match in _DEST.finditer(plain):
            target = _HIDDEN.sub("", match.group(1))
            bad = UNSAFE_SCHEME.match(target)
            if bad:
                shown = match.group(1)
                if shown.endswith(")") and shown.count(")") > shown.count("("):
                    shown = shown[:-1]  # the ')' closing the Markdown link
                yield Finding(number, f"link to a {bad.group(1).lower()}: URL "
                                      f"{quoted(shown)} is not allowed; link to a "
                                      "page or a file in the knowledge base",
                              column=match.start(1) + 1)
