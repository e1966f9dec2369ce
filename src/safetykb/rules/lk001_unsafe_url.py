"""Links must not use script or local-file URLs.

Reason: a ``javascript:`` link runs code in the reader's browser; ``data:``,
``vbscript:`` and ``file:`` URLs open content that nobody reviewed, or files on
the reader's own PC. Python-Markdown, which renders the site, does not remove
such links, so they are refused here (also when disguised with entities or
spaces, as in ``java&#115;cript:``).

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
from .base import Context, Finding

ID = "LK001"
NAME = "unsafe-url"
DESCRIPTION = "A link uses a javascript:, vbscript:, data: or file: URL."
LEVEL = "error"
SCOPE = "document"

# A destination runs to the closing ')' or '>': browsers drop the tabs and
# newlines that entities can hide inside it (jav&#x09;ascript:).
_DEST = re.compile(r"(?:\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?|<(?=[a-z]))\s*([^)>]*)", re.I)
_CODE_SPAN = re.compile(r"(`+).*?\1")
_BAD = re.compile(r"^(javascript|vbscript|livescript|data|file):", re.I)
_HIDDEN = re.compile(r"[\s\x00-\x1f]+")


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    lowered = doc.body.lower()
    if not any(s in lowered for s in ("script", "data", "file", "&#", "&")):
        return
    for number, line in enumerate(doc.body.split("\n"), start=doc.body_line):
        if number in doc.code_lines or ":" not in html.unescape(line):
            continue
        # Inline code is shown literally, never as a link.
        plain = html.unescape(_CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))
        for match in _DEST.finditer(plain):
            target = _HIDDEN.sub("", match.group(1))
            bad = _BAD.match(target)
            if bad:
                shown = match.group(1)
                if shown.endswith(")") and shown.count(")") > shown.count("("):
                    shown = shown[:-1]  # the ')' closing the Markdown link
                yield Finding(number, f"link to a {bad.group(1).lower()}: URL "
                                      f"{shown[:60]!r} is not allowed; link to a "
                                      "page or a file in the knowledge base",
                              column=match.start(1) + 1)
