"""``review_due`` must come after ``effective``.

Reason: a review date on or before the day the revision takes effect is a
typing mistake (often the year) and means the document is overdue the day it
is published, or never reviewed at all.

Failing example::

    effective: 2026-03-01
    review_due: 2025-03-01

Passing example::

    effective: 2026-03-01
    review_due: 2027-03-01
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ..schema import parse_date
from .base import Context, Finding

ID = "DC001"
NAME = "review-before-effective"
DESCRIPTION = "review_due is not after effective."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    effective = parse_date(doc.meta.get("effective"))
    review = parse_date(doc.meta.get("review_due"))
    if effective and review and review <= effective:
        yield Finding(doc.line_of("review_due"),
                      f"review_due {review.isoformat()} is not after effective "
                      f"{effective.isoformat()}; expected a later date")
