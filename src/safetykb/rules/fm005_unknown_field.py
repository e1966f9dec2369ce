"""Front matter may only hold the fields of the schema.

Reason: a typo in safety metadata matters. ``reveiw_due`` instead of
``review_due`` would silently drop the review date; ``mode`` on a procedure
means the author thinks it is a checklist. Unknown fields are reported, never
dropped, with the nearest known name when there is one.

Failing example::

    ---
    reveiw_due: 2027-03-01
    ---

Passing example::

    ---
    review_due: 2027-03-01
    ---
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..model import Document
from ..schema import FIELDS
from .base import Context, Finding

ID = "FM005"
NAME = "unknown-field"
DESCRIPTION = "Front matter has a field the schema does not know, or one not for this type."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok:
        return
    for name in doc.meta:
        field = FIELDS.get(name)
        if field is None:
            close = difflib.get_close_matches(name, list(FIELDS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else \
                f"; known fields: {', '.join(FIELDS)}"
            yield Finding(doc.line_of(name), f"unknown field '{name}'{hint}")
        elif doc.type in ("procedure", "action", "checklist") and doc.type not in field.types:
            yield Finding(doc.line_of(name),
                          f"field '{name}' is only for {' or '.join(field.types)} documents, "
                          f"not for {'an' if doc.type == 'action' else 'a'} {doc.type}")
