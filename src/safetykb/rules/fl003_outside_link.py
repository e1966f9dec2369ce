"""Documents must be real files inside the knowledge base, not links out of it.

Reason: a symbolic link to a file outside the repository publishes content
that no pull request reviewed (or, on a build server, a system file such as
``/etc/passwd``). Linked files and folders that lead outside are reported and
not read.

Failing example: ``procedures/x.md -> /etc/passwd``.

Passing example: the file copied into ``procedures/`` and reviewed.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding, recorded

ID = "FL003"
NAME = "link-outside"
DESCRIPTION = "A document file or folder is a symbolic link to outside the knowledge base."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    return recorded(doc, ID)
