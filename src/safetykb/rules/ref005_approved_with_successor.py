"""An approved document must not name a successor.

Reason: ``superseded_by`` says "this document is replaced"; on a document
that is still approved it leaves two documents in force for the same work, and
readers cannot tell which one to follow. When the successor is approved, set
this document's status to superseded; until then, leave ``superseded_by`` out.

Failing example::

    status: approved
    superseded_by: PROC-HD-002

Passing example::

    status: superseded
    superseded_by: PROC-HD-002
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "REF005"
NAME = "approved-with-successor"
DESCRIPTION = "An approved document carries superseded_by."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.status != "approved":
        return
    successor = doc.meta.get("superseded_by")
    if successor is None or (isinstance(successor, str) and not successor.strip()):
        return
    yield Finding(doc.line_of("superseded_by"),
                  f"superseded_by {successor!r} on an approved document: it would stay in "
                  "force while naming a successor; set status: superseded once the "
                  "successor is approved, or remove superseded_by")
