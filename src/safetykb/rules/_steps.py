"""The steps section of a procedure or action, shared by the rules that read steps."""

from __future__ import annotations

from ..model import Document, Section
from .base import Context


def steps_section(doc: Document, ctx: Context) -> Section | None:
    """The ``##`` section that holds the steps (``steps_section`` in
    ``safetykb.yml``), or None: not a procedure or action, front matter
    unreadable, or the section missing (ST001 reports that)."""
    if not doc.fm_ok or doc.type not in ("procedure", "action"):
        return None
    name = ctx.config.steps_section(doc.type, ctx.lang(doc))
    return doc.section(name) if name else None
