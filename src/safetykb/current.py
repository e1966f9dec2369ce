"""The one place that decides which documents are in force and published.

Every output (site navigation and search, printed sheets, registers, the
sitemap) asks here, so a draft, superseded or withdrawn document can never be
used by mistake in one output while it is hidden in another.
"""

from __future__ import annotations

from .model import Document

#: The status of a document in force: in the main sections and searched.
IN_FORCE = ("approved",)
#: Statuses whose documents go to the archive, with a banner naming the successor.
ARCHIVED = ("superseded", "withdrawn")


def is_current(doc: Document) -> bool:
    """True when ``doc`` is in force: navigation, search, registers, print.
    An approved revision whose ``effective`` date is still to come is not
    (:mod:`safetykb.effective`)."""
    return doc.status in IN_FORCE and doc.takes_effect is None


def is_upcoming(doc: Document) -> bool:
    """True when ``doc`` is approved but takes effect on a later day: its page
    is published with a notice, out of navigation, search and print."""
    return doc.status in IN_FORCE and doc.takes_effect is not None


def is_draft(doc: Document) -> bool:
    return doc.status == "draft"


def is_archived(doc: Document) -> bool:
    return doc.status in ARCHIVED


def is_listed(doc: Document, drafts: bool = False) -> bool:
    """True when ``doc`` is listed: in the navigation, the register and the
    tag pages (in force, or a draft when ``drafts``: a preview or a review
    site). Archived documents are published but never listed."""
    return is_current(doc) or (drafts and is_draft(doc))


def is_published(doc: Document, drafts: bool = False) -> bool:
    """True when ``doc`` gets a page: in force, archived or approved to take
    effect later (out of navigation and search), or a draft when ``drafts``
    (a preview or a review site)."""
    return (is_current(doc) or is_archived(doc) or is_upcoming(doc)
            or (drafts and is_draft(doc)))
