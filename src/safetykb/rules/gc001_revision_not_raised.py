"""An approved document changed without its revision rising by exactly one.

Reason: ISO 45001 §7.5.3 asks that changes to controlled documents are
controlled. Revision 3 must always mean the same text: a worker, an auditor or
an accident investigator who cites "PROC-HD-001 rev. 3" has to be able to find
exactly what it said. Any change to an approved document, in its body or its
front matter, is a new revision (one higher), approved again. Only retiring
a document (``status: superseded`` or ``withdrawn``, ``superseded_by``) or
confirming it at a periodic review (``review_due``) keeps the revision. A
revision never goes down, whatever the status.

Runs only with ``safetykb check --against REF`` (in CI: the pull request's
base), comparing each document with its version at REF.

Failing example (at REF: ``revision: 2``, ``status: approved``)::

    revision: 2                # the body was changed
    status: approved

Passing example::

    revision: 3
    status: approved
    change_note: Added the isolation check before restart.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..gitcontrol import changed_since, int_value, lifecycle_only
from ..model import Document
from .base import Finding, HistoryContext

ID = "GC001"
NAME = "revision-not-raised"
DESCRIPTION = "An approved document changed but its revision did not rise by exactly one."
LEVEL = "error"
SCOPE = "history"


def check(doc: Document, ctx: HistoryContext) -> Iterator[Finding]:
    found = changed_since(doc, ctx)
    if found is None:
        return
    change, prev = found
    old, new = int_value(prev, "revision"), int_value(doc, "revision")
    if old is None or new is None or prev.id != doc.id:
        return  # FM003 / FM004 report a bad revision, GC004 a changed id
    line = doc.line_of("revision")
    if new < old:
        yield Finding(line, f"revision went down from {old} (at {change.ref}) to {new}; "
                            f"revisions only rise: expected {old + 1}")
        return
    if prev.status != "approved" or lifecycle_only(prev, doc) or new == old + 1:
        return
    what = "is still" if new == old else "is now"
    yield Finding(line, f"{doc.id or doc.relpath} was approved at revision {old} in "
                        f"{change.ref} and has changed, but revision {what} {new}; expected "
                        f"{old + 1} (every change to an approved document is a new revision)")
