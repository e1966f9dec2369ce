"""A document was superseded in this change, but its successor is not
approved (or not yet effective).

Reason: superseding takes the old instruction out of use. If the document
that replaces it is still a draft, or takes effect only later, the
workstation is left with no instruction in force. Approve the successor in
the same change (``status: approved``, ``approved_by``, ``effective``,
``review_due``), effective no later than today, or keep the old document
approved until then.

Runs only with ``safetykb check --against REF``.

Failing example (``PROC-HD-002`` is ``status: draft``)::

    id: PROC-HD-001
    status: superseded
    superseded_by: PROC-HD-002

Passing example: the same, with ``PROC-HD-002`` approved and effective in
the same change.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ..schema import parse_date
from .base import Finding, HistoryContext

ID = "GC007"
NAME = "successor-not-approved"
DESCRIPTION = "A document superseded in this change has a successor not approved and in force."
LEVEL = "error"
SCOPE = "history"


def check(doc: Document, ctx: HistoryContext) -> Iterator[Finding]:
    change = getattr(ctx, "change", None)  # None: not run with --against
    if change is None or not doc.fm_ok or doc.status != "superseded" \
            or change.is_deleted(doc):
        return
    successor_id = doc.meta.get("superseded_by")
    if not isinstance(successor_id, str):
        return  # FM003 / FM004
    prev = change.previous(doc)
    if prev is not None and prev.status == "superseded" \
            and prev.meta.get("superseded_by") == successor_id:
        return  # superseded before this change
    successor = change.after_by_id.get(successor_id)
    if successor is None:
        return  # REF001 reports a dangling id
    line = doc.line_of("superseded_by")
    if successor.status != "approved":
        yield Finding(line, f"{doc.id} is superseded in this change by {successor_id}, which is "
                            f"{successor.status}; approve {successor_id} in the same change or "
                            f"keep {doc.id} approved until it is")
        return
    effective = parse_date(successor.meta.get("effective"))
    if effective is not None and effective > ctx.today:
        yield Finding(line, f"{doc.id} is superseded in this change by {successor_id}, which "
                            f"takes effect only on {effective}; until then no version is in "
                            f"force: keep {doc.id} approved until {effective}")
