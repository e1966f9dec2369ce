"""A document and its front matter must stay under the configured size.

Reason: a controlled document that runs to megabytes is not read at the
workstation, and an oversized file is usually a paste accident (a log, an
embedded image as text). The limits are ``limits.max_file_bytes`` and
``limits.max_front_matter_bytes`` in ``safetykb.yml``; the file is not parsed.

Failing example: a 10 MB procedure file.

Passing example: the same content split into the procedure and its actions.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding, recorded

ID = "FL002"
NAME = "too-large"
DESCRIPTION = "The file or its front matter is larger than the configured limit."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    return recorded(doc, ID)
