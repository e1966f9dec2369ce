"""Headings go down one level at a time.

Reason: a jump from ``##`` to ``####`` breaks the table of contents and
screen readers' navigation, and usually means a sub-section was meant to be a
section. (A ``#`` title heading in the body is ST005.)

Failing example::

    ## Steps
    #### Isolation

Passing example::

    ## Steps
    ### Isolation
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ._text import shorten
from .base import Context, Finding

ID = "ST004"
NAME = "heading-levels"
DESCRIPTION = "A heading skips a level."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok:
        return
    previous = 1
    for level, text, line in doc.headings:
        # A '#' title heading in the body is ST005's (with a fix).
        if level > previous + 1:
            yield Finding(line, f"heading level {level} after level {previous}: expected "
                                f"{'#' * (previous + 1)} '{shorten(text)}'")
        previous = level
