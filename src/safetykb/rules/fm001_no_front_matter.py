"""A controlled document must open with YAML front matter.

Reason: the front matter carries the id, revision, status and approval that
make a file a controlled document. Without it nobody can tell whether the text
is in force, who owns it or when it was approved.

Failing example::

    # Lock out a press
    1. Switch off the main isolator.

Passing example::

    ---
    id: ACT-LOTO-001
    title: Lock out a press
    type: action
    revision: 1
    status: draft
    owner: Maintenance
    ---
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding, recorded

ID = "FM001"
NAME = "no-front-matter"
DESCRIPTION = "The file has no front matter, an unclosed one, or an empty one."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    return recorded(doc, ID)
