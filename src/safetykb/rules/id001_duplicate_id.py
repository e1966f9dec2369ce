"""Each id belongs to one document only, across the whole knowledge base.

Reason: people quote ids in permits, training records and incident reports.
Two documents with one id means a record points at the wrong instruction.
Every file that repeats an id already used by an earlier file (in path order)
is reported, naming the first.

Failing example: ``procedures/a.md`` and ``procedures/b.md`` both say
``id: PROC-HD-001``.

Passing example: the second file takes the next free id, ``PROC-HD-002``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "ID001"
NAME = "duplicate-id"
DESCRIPTION = "Two documents have the same id."
LEVEL = "error"
SCOPE = "kb"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.id:
        return
    holders = ctx.ids.get(doc.id, [])
    if len(holders) > 1 and holders[0] is not doc:
        yield Finding(doc.line_of("id"),
                      f"id {doc.id!r} is already used by {holders[0].relpath}; ids are "
                      "unique and never reused: take the next free id")
