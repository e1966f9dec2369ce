"""Every required front-matter field must be present and not empty.

Reason: id, title, type, revision, status and owner identify a controlled
document; an approved one also needs approved_by, effective and review_due; a
superseded one needs superseded_by; a revision above 1 needs change_note; a
checklist needs mode. A missing field means an approval or a review date that
nobody can verify.

Failing example::

    ---
    id: PROC-HD-001
    title: Hidden-danger investigation
    type: procedure
    revision: 1
    status: approved
    owner: Safety Department
    ---

Passing example: the same with ``approved_by``, ``effective`` and
``review_due``, or with ``status: draft``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ..schema import FIELDS
from .base import Context, Finding

ID = "FM003"
NAME = "missing-field"
DESCRIPTION = "A required front-matter field is missing or empty."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok:
        return
    for name, field in FIELDS.items():
        if not field.required(doc.meta):
            continue
        value = doc.meta.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            when = "" if field.required_when == "always" else f" when {field.required_when}"
            state = "is empty" if name in doc.meta else "is missing"
            yield Finding(doc.line_of(name) if name in doc.meta else doc.fm_start,
                          f"field '{name}' {state}; it is required{when}: {field.doc}")
