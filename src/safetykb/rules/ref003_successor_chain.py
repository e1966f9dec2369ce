"""Following ``superseded_by`` must end at a document in force.

Reason: a reader who opens a superseded document is sent to its successor.
If successors form a circle (A replaced by B, B replaced by A), or the chain
ends at a withdrawn or superseded document with no successor, the reader never
reaches the instruction in force.

Failing example::

    # PROC-A-001.md          # PROC-A-002.md
    status: superseded       status: superseded
    superseded_by: PROC-A-002  superseded_by: PROC-A-001

Passing example: PROC-A-002 is ``approved``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "REF003"
NAME = "successor-chain"
DESCRIPTION = "superseded_by leads in a circle or to a document not in force."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    start = doc.meta.get("superseded_by") if doc.fm_ok else None
    if not isinstance(start, str) or start == doc.id or start not in ctx.ids:
        return  # REF001 / REF002 report those.
    seen = [doc.id]
    current: str | None = start
    while current is not None:
        if current in seen:
            chain = " -> ".join([*seen, current])
            yield Finding(doc.line_of("superseded_by"),
                          f"superseded_by leads in a circle: {chain}")
            return
        seen.append(current)
        holders = ctx.ids.get(current)
        if not holders:
            return  # dangling further down: reported on that document
        nxt = holders[0].meta.get("superseded_by")
        status = holders[0].status
        if status in ("superseded", "withdrawn") and not isinstance(nxt, str):
            yield Finding(doc.line_of("superseded_by"),
                          f"successor {current} is {status} and names no successor; expected "
                          "the chain to end at a document in force")
            return
        current = nxt if isinstance(nxt, str) and status == "superseded" else None
