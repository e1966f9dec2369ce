"""The front matter must be valid YAML.

Reason: a syntax error hides every field behind it; the document's status and
approval cannot be read. The message gives the line of the error in the file
(not in the YAML block), and says so when tabs were used to indent.

Failing example::

    ---
    id: PROC-HD-001
    title: "Hidden-danger investigation
    ---

Passing example::

    ---
    id: PROC-HD-001
    title: "Hidden-danger investigation"
    ---
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding, recorded

ID = "FM002"
NAME = "yaml-syntax"
DESCRIPTION = "The front matter is not valid YAML."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    return recorded(doc, ID)
