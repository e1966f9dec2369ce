"""The one place that decides which documents are in force.

Every output (site navigation and search, printed sheets, registers) asks
here, so a superseded or withdrawn document can never be used by mistake in
one output while it is hidden in another.
"""

from __future__ import annotations

from .model import Document

#: Statuses whose documents are published in the main sections and searched.
PUBLISHED = ("approved", "draft")
#: Statuses whose documents go to the archive, with a banner naming the successor.
ARCHIVED = ("superseded", "withdrawn")


def is_current(doc: Document) -> bool:
    """True when ``doc`` belongs in the main sections, search and registers."""
    return doc.status in PUBLISHED


def is_archived(doc: Document) -> bool:
    return doc.status in ARCHIVED
