"""A front-matter field may be given only once.

Reason: YAML keeps the last of two equal keys and drops the first without a
word; the reviewer who reads the first ``status: draft`` approves a document
that is published as something else.

Failing example::

    ---
    status: draft
    status: approved
    ---

Passing example::

    ---
    status: approved
    ---
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "FM007"
NAME = "duplicate-key"
DESCRIPTION = "A front-matter field is given twice."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    for key, line in doc.duplicate_keys:
        yield Finding(line, f"field '{key}' is given again (first on line "
                            f"{doc.meta_lines.get(key, doc.fm_start)}); keep one")
