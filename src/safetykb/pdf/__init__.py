"""Printed sheets: one-page PDF checklists and job cards, print packs.

The entry points import reportlab only when called, so that importing the
package (the one-page rule does) stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Document, KnowledgeBase
from .fonts import FontError

if TYPE_CHECKING:
    from .publish import PendingSheets


def publish_sheets(kb: KnowledgeBase, out_dir: Path, *, commit: str | None,
                   site_url: str | None = None) -> dict[str, str]:
    """Write ``print/<ID>.pdf`` under ``out_dir`` for every approved checklist
    and action; returns id -> path relative to ``out_dir`` (see
    :func:`.publish.publish_sheets`)."""
    from .publish import publish_sheets as run

    return run(kb, out_dir, commit=commit, site_url=site_url)


def start_publishing(kb: KnowledgeBase, out_dir: Path, *, commit: str | None,
                     site_url: str | None = None) -> PendingSheets:
    """Like :func:`publish_sheets`, in a forked process: returns at once with
    ``.paths`` (id -> relative path); ``.wait()`` finishes and raises errors."""
    from .publish import start_publishing as start

    return start(kb, out_dir, commit=commit, site_url=site_url)


def sheet_href(doc: Document) -> str | None:
    """Site-relative path of ``doc``'s PDF (``print/CL-LOTO-001.pdf``), or None
    when the build publishes none for it."""
    from .publish import sheet_href as href

    return href(doc)


def git_commit(root: Path) -> str | None:
    """Short commit of the checkout at ``root``, or None."""
    from .publish import git_commit as commit

    return commit(root)


def site_url_warning(kb: KnowledgeBase) -> str | None:
    """The warning to show once when sheets are made without ``site_url``."""
    from .publish import site_url_warning as warning

    return warning(kb)


__all__ = ["FontError", "git_commit", "publish_sheets", "sheet_href", "site_url_warning",
           "start_publishing"]
