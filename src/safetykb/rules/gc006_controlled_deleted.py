"""A controlled document was deleted instead of being withdrawn or superseded.

Reason: ISO 45001 §7.5.3 asks that obsolete documents cannot be used by
mistake and that documented information is retained as evidence. Deleting
the file erases the record of what the instruction said while it was in
force, and leaves references and printed copies pointing at nothing. Set
``status: withdrawn`` (or ``superseded`` with ``superseded_by``): the
document then leaves the navigation and search and stays in the archive with
a banner. Only drafts that were never approved may be deleted.

Runs only with ``safetykb check --against REF``; the problem is reported at
the deleted file's path and line as it was at REF. A file that is still
there but can no longer be read as a document (front matter broken, file
too large) is reported too, with that said instead.

Failing example: ``git rm procedures/hd/proc-hd-001.md`` (approved at REF).

Passing example::

    id: PROC-HD-001
    status: withdrawn
"""

from __future__ import annotations

from collections.abc import Iterator

from ..gitcontrol import CONTROLLED
from ..model import Document
from .base import Finding, HistoryContext

ID = "GC006"
NAME = "controlled-deleted"
DESCRIPTION = "A controlled (non-draft) document was deleted instead of withdrawn or superseded."
LEVEL = "error"
SCOPE = "history"


def check(doc: Document, ctx: HistoryContext) -> Iterator[Finding]:
    change = getattr(ctx, "change", None)  # None: not run with --against
    if change is None or not doc.fm_ok or not change.is_deleted(doc) \
            or doc.status not in CONTROLLED:
        return
    if doc.relpath in change.unreadable:
        yield Finding(doc.line_of("status"),
                      f"{doc.id or doc.relpath} ({doc.status} at {change.ref}) can no longer be "
                      "read as a document (see the other problem reported for this file): a "
                      "controlled document must stay readable; restore its front matter, or "
                      "set status: withdrawn (or superseded with superseded_by)")
        return
    yield Finding(doc.line_of("status"),
                  f"{doc.id or doc.relpath} ({doc.status} at {change.ref}) was deleted; "
                  "controlled documents are kept: restore the file and set status: withdrawn "
                  "(or superseded with superseded_by)")
