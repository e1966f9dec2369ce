"""A new revision still carries the previous revision's change note.

Reason: ``change_note`` is the record of what changed in this revision and
why; readers, trainers and auditors read it to know what to brief the shift
on. A note copied from the previous revision says that nothing new changed,
which is false. Write what this revision changes.

Runs only with ``safetykb check --against REF``.

Failing example (at REF: revision 2, ``change_note: Added the five fixes.``)::

    revision: 3
    change_note: Added the five fixes.

Passing example::

    revision: 3
    change_note: Named the shift supervisor as the one who signs the release.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..gitcontrol import changed_since, int_value
from ..model import Document
from .base import Finding, HistoryContext

ID = "GC002"
NAME = "change-note-not-rewritten"
DESCRIPTION = "A new revision of an approved document kept the previous revision's change_note."
LEVEL = "error"
SCOPE = "history"


def check(doc: Document, ctx: HistoryContext) -> Iterator[Finding]:
    found = changed_since(doc, ctx)
    if found is None:
        return
    change, prev = found
    old, new = int_value(prev, "revision"), int_value(doc, "revision")
    if prev.status != "approved" or old is None or new is None or new <= old:
        return
    note, old_note = doc.meta.get("change_note"), prev.meta.get("change_note")
    if isinstance(note, str) and isinstance(old_note, str) and note.strip() \
            and " ".join(note.split()) == " ".join(old_note.split()):
        yield Finding(doc.line_of("change_note"),
                      f"change_note is the same as in revision {old} ({change.ref}); "
                      f"say what changed in revision {new} and why")
