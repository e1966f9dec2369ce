"""A document must have a body.

Reason: front matter alone is a record with no instruction in it; published,
it is an empty page that claims to be an approved procedure.

Failing example::

    ---
    id: PROC-HD-001
    ...
    ---

Passing example: the same with its sections written below the front matter.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "ST003"
NAME = "empty-body"
DESCRIPTION = "The document has front matter but no body."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if doc.fm_ok and not doc.body.strip():
        yield Finding(doc.fm_end, "the document has no body after its front matter; write "
                                  "its sections")
