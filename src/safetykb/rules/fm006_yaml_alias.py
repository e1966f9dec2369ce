"""Front matter may not use YAML anchors and aliases.

Reason: metadata is read by people in review as much as by tools; a value that
is defined elsewhere with ``&anchor`` and pulled in with ``*alias`` is easy to
misread, and nested aliases can expand into gigabytes (the "billion laughs").
The loader refuses them before any expansion.

Failing example::

    ---
    owner: &dept Safety Department
    approved_by: *dept
    ---

Passing example::

    ---
    owner: Safety Department
    approved_by: Plant Manager
    ---
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding, recorded

ID = "FM006"
NAME = "yaml-alias"
DESCRIPTION = "Front matter uses YAML anchors or aliases."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    return recorded(doc, ID)
