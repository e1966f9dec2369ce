"""File and folder names of documents are lower-case words joined by ``-``.

Reason: a document's path becomes its URL and is written into links, the
register, the search index and printed QR codes. A name with quotes, spaces,
brackets or ``<`` (``x" onfocus="alert(1)" y=".md`` or
``a) <img src=x onerror=alert(1)> (.md``) can break out of the places it is
written into and inject markup or script; capitals and spaces make URLs that
differ by case or need escaping. Allowed: lower-case ASCII letters, digits,
``-`` and ``_``, each name starting with a letter or digit, ending in ``.md``.

Failing example: ``procedures/Lock Out/PROC-LOTO-001 (new).md``

Passing example: ``procedures/lockout/proc-loto-001.md``
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "FL005"
NAME = "file-name"
DESCRIPTION = "A document's file or folder name has characters other than a-z, 0-9, - and _."
LEVEL = "error"
SCOPE = "document"

PATTERN = r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*\.md"
_NAME = re.compile(PATTERN)


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if _NAME.fullmatch(doc.relpath) or not doc.relpath.endswith(".md"):
        return  # not a file: a linked folder, which FL003 reports
    bad = next((part for part in doc.relpath.split("/")[:-1]
                if not _NAME.fullmatch(part + ".md")), doc.relpath.rsplit("/", 1)[-1])
    yield Finding(1, f"file name {doc.relpath!r} is not allowed ({bad!r}): use lower-case "
                     "letters a-z, digits, '-' and '_' only, each name starting with a "
                     "letter or digit, and the extension '.md' (e.g. "
                     "'procedures/lockout/proc-loto-001.md')")
