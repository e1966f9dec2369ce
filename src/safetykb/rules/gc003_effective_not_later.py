"""An approved document's ``effective`` date moved backwards, or a new
revision takes effect no later than the previous one.

Reason: the effective date says from when a revision is the instruction in
force. If it moves backwards, records made under the previous revision
appear to have broken a rule that was not yet in force; if a new revision
takes effect on or before the day its predecessor did, nobody can tell which
text was in force on that day. Each revision takes effect after the one
before it.

Runs only with ``safetykb check --against REF``.

Failing example (at REF: revision 2, ``effective: 2026-06-15``)::

    revision: 3
    effective: 2026-06-15

Passing example::

    revision: 3
    effective: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Iterator

from ..gitcontrol import changed_since, int_value
from ..model import Document
from ..schema import parse_date
from .base import Finding, HistoryContext

ID = "GC003"
NAME = "effective-not-later"
DESCRIPTION = "effective moved backwards, or a new revision is not effective after the last one."
LEVEL = "error"
SCOPE = "history"


def check(doc: Document, ctx: HistoryContext) -> Iterator[Finding]:
    found = changed_since(doc, ctx)
    if found is None:
        return
    change, prev = found
    if prev.status != "approved":
        return
    old, new = parse_date(prev.meta.get("effective")), parse_date(doc.meta.get("effective"))
    if old is None or new is None:
        return  # FM003 / FM004 report a missing or bad date
    old_rev, new_rev = int_value(prev, "revision"), int_value(doc, "revision")
    line = doc.line_of("effective")
    if new < old:
        yield Finding(line, f"effective moved backwards from {old} (at {change.ref}) to {new}; "
                            "expected a date after the previous one")
    elif old_rev is not None and new_rev is not None and new_rev > old_rev and new == old:
        yield Finding(line, f"revision {new_rev} takes effect on {new}, the same day as "
                            f"revision {old_rev}; expected a date after {old}")
