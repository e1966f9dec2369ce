"""A document must be a readable UTF-8 text file.

Reason: a file saved in another encoding (GBK, Latin-1) shows garbled text on
the site and on the printed sheet; a safety instruction that cannot be read is
worse than none. The message gives the line of the first bad byte.

Failing example: a file saved as GBK from an old word processor.

Passing example: the same file saved as UTF-8 (with or without a BOM).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding, recorded

ID = "FL001"
NAME = "unreadable-file"
DESCRIPTION = "The file cannot be read, or is not UTF-8."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    return recorded(doc, ID)
