"""An approved document must name its author.

Reason: approval is the second pair of eyes; without ``author`` nobody can
tell whether the approver checked someone else's text or their own (the
self-approval check DC003 has nothing to compare). ``author`` is required as
soon as ``approved_by`` is set or the status is approved; a draft may leave it
out.

Failing example::

    status: approved
    approved_by: Head of Safety Department

Passing example::

    status: approved
    author: Safety Engineer
    approved_by: Head of Safety Department
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "DC004"
NAME = "missing-author"
DESCRIPTION = "approved_by is set (or the document is approved) but author is missing."
LEVEL = "error"
SCOPE = "document"


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok:
        return
    approver = doc.meta.get("approved_by")
    approved = doc.status == "approved"
    if not (_given(approver) or approved):
        return
    author = doc.meta.get("author")
    if _given(author):
        return  # a non-text author is FM004's to report
    why = (f"approved_by is {approver!r}" if _given(approver)
           else "the status is approved")
    line = doc.line_of("approved_by") if "approved_by" in doc.meta_lines \
        else doc.line_of("status")
    got = "empty" if "author" in doc.meta else "missing"
    yield Finding(line, f"author is {got} but {why}: expected 'author:' naming who drafted "
                        "this revision (a different person or role from the approver)")
