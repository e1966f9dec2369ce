"""An approved document may depend only on documents in force.

Reason: a procedure in force whose parent (``procedure:``), related document
or linked step list is a draft, superseded or withdrawn sends the reader to an
instruction that nobody approved or that is no longer valid. Dependencies are
the ids in ``procedure`` and ``related`` and body links to another document's
file. Point the reference at the approved successor, or approve the draft
first.

Failing example::

    status: approved
    procedure: ACT-LOTO-001     # ACT-LOTO-001 has status: draft

Passing example::

    status: approved
    procedure: ACT-LOTO-002     # status: approved
"""

from __future__ import annotations

from collections.abc import Iterator

from ..links import resolve
from ..model import Document
from ._links import targets
from .base import Context, Finding

ID = "REF004"
NAME = "unapproved-dependency"
DESCRIPTION = "An approved document refers to a draft, superseded or withdrawn document."
LEVEL = "error"
SCOPE = "kb"

#: Fields through which a document depends on another (superseded_by is not a
#: dependency: REF005 reports it on an approved document).
FIELDS = ("procedure", "related")
NOT_IN_FORCE = ("draft", "superseded", "withdrawn")


def _problem(other: Document) -> str | None:
    status = other.status
    if status in NOT_IN_FORCE:
        hint = {"draft": "approve it first or refer to an approved document",
                "superseded": "refer to its successor"
                + (f" {other.meta['superseded_by']}"
                   if isinstance(other.meta.get("superseded_by"), str) else ""),
                "withdrawn": "remove the reference or refer to the document that "
                             "replaces it"}[status]
        return f"is {status}: {hint}"
    return None


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.status != "approved":
        return
    for name in FIELDS:
        value = doc.meta.get(name)
        for ref in value if isinstance(value, list) else [value]:
            if not isinstance(ref, str) or ref == doc.id:
                continue
            found = ctx.ids.get(ref)
            if not found:
                continue  # REF001 reports a dangling id
            why = _problem(found[0])
            if why:
                yield Finding(doc.line_of(name), f"field '{name}': this approved document "
                                                 f"depends on {ref!r}, which {why}")
    seen: set[tuple[str, int]] = set()
    for target, line, _kind in targets(doc):
        resolved = resolve(ctx.kb, doc, target)
        other = resolved.target
        if resolved.kind != "document" or other is None or other is doc:
            continue
        if (other.relpath, line) in seen:
            continue
        seen.add((other.relpath, line))
        why = _problem(other)
        if why:
            yield Finding(line, f"link {target!r}: this approved document links to "
                                f"{other.id or other.relpath} ({other.relpath}), which {why}")
