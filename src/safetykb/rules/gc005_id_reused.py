"""An id that belonged to another document at REF now names a different one.

Reason: ids are never reused. A reference written years ago ("see
PROC-PTW-002") or a posted sheet must never lead to a different instruction
than the one it meant; an auditor comparing records with the register must
find the document the record was made under. Give the new document a new id
(``safetykb new`` prints the next free one) and retire the old one with
``status: withdrawn`` or ``superseded``. If the document was completely
rewritten but is still the same one, waive this rule in it with the reason.

Runs only with ``safetykb check --against REF``; documents are told apart by
their type, title and content.

Failing example (at REF ``PROC-PTW-002`` was "Hot work permit")::

    id: PROC-PTW-002
    title: Working at height

Passing example::

    id: PROC-PTW-007
    title: Working at height
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Finding, HistoryContext

ID = "GC005"
NAME = "id-reused"
DESCRIPTION = "An id that named another document at REF now names a different document."
LEVEL = "error"
SCOPE = "history"


def check(doc: Document, ctx: HistoryContext) -> Iterator[Finding]:
    change = getattr(ctx, "change", None)  # None: not run with --against
    if change is None or not doc.fm_ok or not doc.id or change.after_by_id.get(doc.id) is not doc:
        return
    owner = change.before_by_id.get(doc.id)
    if owner is None or change.previous(doc) is owner or change.swapped_with(doc) is not None:
        return  # new id, same document, or a swap (GC004 reports it)
    yield Finding(doc.line_of("id"),
                  f"id {doc.id} belonged to a different document at {change.ref} "
                  f"({owner.title!r}, {owner.relpath}); ids are never reused: give this "
                  "document a new id (safetykb new prints the next free one)")
