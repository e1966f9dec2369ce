"""An approved document must be reviewed by its ``review_due`` date.

Reason: periodic review is how a procedure keeps up with changed equipment,
staff and law. Past ``review_due`` the document is reported as a warning; past
the grace period (``rules: DC002: grace_days``, default 30) as an error, so
the build fails until the owner reviews it (raise the revision, set new dates)
or waives the rule for the document with a reason. A ``review_due`` that is
not after ``effective`` is a mistake in the dates, not a late review: DC001
reports it, and this rule does not repeat it.

Failing example (today 2026-11-29)::

    status: approved
    review_due: 2026-09-01

Passing example::

    status: approved
    review_due: 2027-09-01
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ..schema import parse_date
from .base import Context, Finding

ID = "DC002"
NAME = "review-overdue"
DESCRIPTION = "An approved document is past review_due (error after the grace period)."
LEVEL = "warning"
SCOPE = "document"
#: Options: days past review_due after which an overdue review is an error.
OPTIONS = {"grace_days": 30}
#: It compares with the day of the run: it runs again on documents read from
#: the cache of checked documents, which therefore stays good from day to day.
CACHEABLE = False


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if doc.status != "approved":
        return
    review = parse_date(doc.meta.get("review_due"))
    if review is None or review >= ctx.today:
        return
    effective = parse_date(doc.meta.get("effective"))
    if effective is not None and review <= effective and ctx.applies("DC001", doc):
        return  # a review date before the revision's own date: DC001 says so, once
    grace = int(ctx.options["grace_days"])
    late = (ctx.today - review).days
    message = (f"review was due on {review.isoformat()}, {late} day(s) ago; review the "
               f"document and set a new review_due")
    if late > grace:
        yield Finding(doc.line_of("review_due"),
                      message + f" (more than the {grace}-day grace period)", level="error")
        return
    yield Finding(doc.line_of("review_due"), message)
