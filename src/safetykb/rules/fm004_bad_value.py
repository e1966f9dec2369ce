"""Every front-matter value must have the form the schema gives it.

Reason: a misspelt status ("aproved"), a date that does not exist
(2026-02-30) or an id in lower case breaks the register, the review reminders
and the links to the document. The message quotes the value and says what was
expected. Ids must also be free of invisible characters (zero-width spaces,
direction marks) that make two ids look alike.

Failing example::

    ---
    id: proc-hd-001
    revision: "two"
    effective: 2026-02-30
    ---

Passing example::

    ---
    id: PROC-HD-001
    revision: 2
    effective: 2026-02-28
    ---
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Document
from ..schema import FIELDS, describe
from .base import Context, Finding

ID = "FM004"
NAME = "bad-value"
DESCRIPTION = "A front-matter value has the wrong type or form."
LEVEL = "error"
SCOPE = "document"

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok:
        return
    for name, value in doc.meta.items():
        field = FIELDS.get(name)
        if field is None or value is None:
            continue  # FM005 reports unknown fields, FM003 missing ones.
        if isinstance(value, str) and not value.strip():
            continue  # FM003 reports an empty required field.
        expected = field.check(value)
        if expected is None:
            continue
        if isinstance(value, str) and _INVISIBLE.search(value):
            expected = "no invisible characters (zero-width or direction marks); retype the value"
        yield Finding(doc.line_of(name),
                      f"field '{name}': expected {expected}, got {describe(value)}")
    waivers = doc.meta.get("waivers")
    if isinstance(waivers, list):
        from . import REGISTRY

        for waiver in waivers:
            if isinstance(waiver, dict) and isinstance(waiver.get("rule"), str) \
                    and waiver["rule"] not in REGISTRY:
                yield Finding(doc.line_of("waivers"),
                              f"field 'waivers': unknown rule id {waiver['rule']!r}; "
                              "`safetykb rules` lists them")
