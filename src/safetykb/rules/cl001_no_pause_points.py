"""A checklist must be divided into pause points, and every item must be in one.

Reason: a checklist is used at defined moments ("Before start", "After
shutdown"). Items that stand outside any ``##`` pause point, or a checklist
with no pause point, leave the user guessing when to use it.

Failing example::

    - [ ] Guard closed
    - [ ] Emergency stop tested

Passing example::

    ## Before start
    - [ ] Guard closed
    - [ ] Emergency stop tested
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "CL001"
NAME = "no-pause-points"
DESCRIPTION = "A checklist has no ## pause point, or items outside one."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or not doc.body.strip() or doc.type != "checklist":
        return  # ST003 reports an empty body.
    if not doc.sections:
        yield Finding(doc.body_line, "checklist has no pause point: group the items under "
                                     "'## ' headings such as '## Before start'")
    elif doc.preamble_items:
        yield Finding(doc.preamble_items[0].line,
                      "item stands before the first pause point; move it under a '## ' heading")
