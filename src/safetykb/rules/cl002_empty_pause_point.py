"""Every pause point of a checklist must hold at least one item.

Reason: an empty pause point on a posted sheet tells the operator there is
nothing to check at that moment, which is rarely what the author meant.

Failing example::

    ## Before start
    ## After shutdown
    - [ ] Isolator locked off

Passing example::

    ## Before start
    - [ ] Guard closed
    ## After shutdown
    - [ ] Isolator locked off
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ._text import shorten
from .base import Context, Finding

ID = "CL002"
NAME = "empty-pause-point"
DESCRIPTION = "A checklist pause point has no items."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.type != "checklist":
        return
    for section in doc.sections:
        if not section.items:
            yield Finding(section.line, f"pause point '## {shorten(section.title)}' has no items; "
                                        "add '- [ ] ...' lines or remove the heading")
