"""Ids in ``related``, ``superseded_by`` and ``procedure`` must exist.

Reason: a checklist whose parent procedure does not exist, or a superseded
document pointing at a successor nobody can find, sends the reader nowhere at
the moment they need the instruction.

Failing example::

    ---
    procedure: ACT-LOTO-009   # no document has this id
    ---

Passing example::

    ---
    procedure: ACT-LOTO-001
    ---
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ..schema import REFERENCE_FIELDS
from .base import Context, Finding

ID = "REF001"
NAME = "dangling-reference"
DESCRIPTION = "A reference to another document's id does not resolve."
LEVEL = "error"
SCOPE = "kb"


def references(doc: Document) -> Iterator[tuple[str, str]]:
    """(field, id) for every well-formed reference the document makes."""
    for name in REFERENCE_FIELDS:
        value = doc.meta.get(name)
        values = value if isinstance(value, list) else [value]
        for ref in values:
            if isinstance(ref, str) and ref:
                yield name, ref


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok:
        return
    for name, ref in references(doc):
        if ref not in ctx.ids:
            yield Finding(doc.line_of(name),
                          f"field '{name}': no document has the id {ref!r}")
