"""Headings go down one level at a time, and the body has no ``#`` title.

Reason: the page title comes from ``title`` in the front matter; a ``#``
heading in the body makes a second, competing title. A jump from ``##`` to
``####`` breaks the table of contents and screen readers' navigation, and
usually means a sub-section was meant to be a section.

Failing example::

    # Lock out a press
    ## Steps
    #### Isolation

Passing example::

    ## Steps
    ### Isolation
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "ST004"
NAME = "heading-levels"
DESCRIPTION = "A heading skips a level, or the body has a # title heading."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok:
        return
    previous = 1
    for level, text, line in doc.headings:
        if level == 1:
            yield Finding(line, f"'# {text}' is a title heading; the title comes from the "
                                "front matter: remove it or make it '## '")
        elif level > previous + 1:
            yield Finding(line, f"heading level {level} after level {previous}: expected "
                                f"{'#' * (previous + 1)} '{text}'")
        previous = level
