"""Following ``superseded_by`` must end at a document in force.

Reason: a reader who opens a superseded document is sent to its successor.
If successors form a circle (A replaced by B, B replaced by A), or the chain
ends at a draft, withdrawn or superseded document, the reader never reaches an
instruction in force. Supersede a document when its successor is approved.

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
DESCRIPTION = "superseded_by leads in a circle or ends at a document that is not approved."
LEVEL = "error"
SCOPE = "kb"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    start = doc.meta.get("superseded_by") if doc.fm_ok else None
    if not isinstance(start, str) or start == doc.id or start not in ctx.ids:
        return  # REF001 / REF002 report those.
    seen: list[str] = [doc.id or "?"]
    current = start
    while True:
        if current in seen:
            chain = " -> ".join([*seen, current])
            yield Finding(doc.line_of("superseded_by"),
                          f"superseded_by leads in a circle: {chain}")
            return
        seen.append(current)
        holders = ctx.ids.get(current)
        if not holders:
            return  # dangling further down: REF001 reports it on that document
        successor = holders[0]
        nxt = successor.meta.get("superseded_by")
        if isinstance(nxt, str) and nxt:
            current = nxt
            continue
        if successor.status != "approved":
            chain = " -> ".join(seen)
            yield Finding(doc.line_of("superseded_by"),
                          f"the successor chain {chain} ends at a {successor.status} document; "
                          "expected it to end at an approved document")
        return
