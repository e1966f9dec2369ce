"""The steps of a procedure or an action must be one ordered list.

Reason: steps are done in sequence and referred to by number ("stop at step
4"). A bullet list or loose paragraphs lose the order and the numbers. The
steps section is ``## Procedure`` in a procedure and ``## Steps`` in an action
(``steps_section`` in ``safetykb.yml``).

Failing example::

    ## Steps
    - Switch off the isolator.
    - Fit your personal lock.

Passing example::

    ## Steps
    1. Switch off the isolator.
    2. Fit your personal lock.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ._steps import steps_section
from ._text import shorten
from .base import Context, Finding

ID = "ST002"
NAME = "steps-not-ordered"
DESCRIPTION = "The steps section of a procedure or action is not an ordered list."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    section = steps_section(doc, ctx)
    if section is None:
        return  # ST001 reports the missing section.
    bullets = [b for b in section.lists if not b.ordered]
    if bullets:
        yield Finding(bullets[0].line, f"steps in '## {shorten(section.title)}' must be an ordered "
                                       "list (1. 2. 3.), not bullets")
    elif not section.lists:
        yield Finding(section.line, f"'## {shorten(section.title)}' has no ordered list of steps; "
                                    "write the steps as 1. 2. 3.")
