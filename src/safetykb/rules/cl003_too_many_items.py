"""A pause point must hold at most nine items (``rules: CL003: max_items``).

Reason: checklist practice (aviation, surgery) keeps each pause point short
enough to be done without skipping: long lists get skimmed and the critical
item is missed. Split a long list into more pause points or more checklists.

Failing example: ``## Before start`` with 12 items.

Passing example: ``## Before start`` with 6 items and ``## Before loading``
with 6 items.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ._text import shorten
from .base import Context, Finding

ID = "CL003"
NAME = "too-many-items"
DESCRIPTION = "A checklist pause point has more items than allowed (default 9)."
LEVEL = "error"
SCOPE = "document"
#: Options (``rules: {CL003: {max_items: 7}}`` in safetykb.yml): most items one
#: pause point may hold; a longer list is skimmed, not read.
OPTIONS = {"max_items": 9}


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.type != "checklist":
        return
    limit = int(ctx.options["max_items"])
    for section in doc.sections:
        if len(section.items) > limit:
            yield Finding(section.line, f"pause point '## {shorten(section.title)}' has "
                                        f"{len(section.items)} items; at most {limit}: split it")
