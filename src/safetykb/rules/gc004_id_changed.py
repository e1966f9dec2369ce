"""A document's id changed (renamed, or swapped with another document's).

Reason: the id is how permits, training records, work instructions, audit
findings and printed sheets on the shop floor refer to the document; it is
permanent. Renaming it breaks every reference outside the knowledge base,
and swapping two ids silently sends every such reference to the wrong
instruction. Keep the id; to replace a document, write a new one with a new
id and set the old one to ``status: superseded`` with ``superseded_by``.

Runs only with ``safetykb check --against REF``. Documents are matched by
content, so moving or renaming the file is fine.

Failing example (at REF the same document was ``id: PROC-HD-001``)::

    id: PROC-HZ-001

Passing example::

    id: PROC-HD-001
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Finding, HistoryContext

ID = "GC004"
NAME = "id-changed"
DESCRIPTION = "A document's id was renamed or swapped with another document's id."
LEVEL = "error"
SCOPE = "history"


def check(doc: Document, ctx: HistoryContext) -> Iterator[Finding]:
    change = getattr(ctx, "change", None)  # None: not run with --against
    if change is None or not doc.fm_ok or not doc.id:
        return
    prev = change.previous(doc)
    if prev is None or not prev.fm_ok or not prev.id or prev.id == doc.id:
        return
    line = doc.line_of("id")
    other = change.swapped_with(doc)
    if other is not None:
        yield Finding(line, f"ids swapped: this document was {prev.id} at {change.ref} and is "
                            f"now {doc.id}, while {other.relpath} was {doc.id} and is now "
                            f"{prev.id}; ids are permanent: expected {prev.id}")
        return
    yield Finding(line, f"id changed from {prev.id} (at {change.ref}, {prev.relpath}) to "
                        f"{doc.id}; ids are permanent: expected {prev.id} (to replace the "
                        "document, supersede it with a new one)")
