"""A document must not refer to itself.

Reason: ``superseded_by`` naming the document's own id sends readers in a
circle; ``related`` or ``procedure`` naming it is a copy-and-paste slip that
hides the reference the author meant.

Failing example::

    id: CL-PRESS-001
    procedure: CL-PRESS-001

Passing example::

    id: CL-PRESS-001
    procedure: ACT-LOTO-001
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding
from .ref001_dangling_reference import references

ID = "REF002"
NAME = "self-reference"
DESCRIPTION = "related, superseded_by or procedure names the document's own id."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or not doc.id:
        return
    for name, ref in references(doc):
        if ref == doc.id:
            yield Finding(doc.line_of(name), f"field '{name}' names the document's own id "
                                             f"{ref!r}; expected another document")
