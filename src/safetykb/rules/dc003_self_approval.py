"""A document must not be approved by its own author.

Reason: approval is the second pair of eyes that document control relies on.
The same name or role in ``author`` and ``approved_by`` (compared without case
or surrounding space) means nobody else checked the text.

Failing example::

    author: Safety Engineer
    approved_by: safety engineer

Passing example::

    author: Safety Engineer
    approved_by: Head of Safety Department
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "DC003"
NAME = "self-approval"
DESCRIPTION = "approved_by is the same as author."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    author = doc.meta.get("author")
    approver = doc.meta.get("approved_by")
    if isinstance(author, str) and isinstance(approver, str) and author.strip() \
            and author.strip().casefold() == approver.strip().casefold():
        yield Finding(doc.line_of("approved_by"),
                      f"approved_by {approver!r} is the author; expected a different "
                      "person or role to approve")
