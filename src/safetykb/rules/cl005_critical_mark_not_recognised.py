"""A critical item's mark must be written exactly ``- [ ] (!) text``.

Reason: only ``(!)`` right after the tick box, as plain text, marks an item
critical: the site then shows it CRITICAL and the printed sheet gives it a
bar. A mark written another way is taken as ordinary text, so the item
prints as an ordinary item and nobody is told: in bold (``**(!)**``, as a
word processor's export writes it), with full-width brackets (``（！）``),
with spaces inside (``( ! )``), or with no space after the box
(``- [ ](!)``, which is not a tick box at all but a link).

Failing example::

    - [ ] **(!)** Guard closed and interlock working
    - [ ](!) Emergency stop tested

Passing example::

    - [ ] (!) Guard closed and interlock working
    - [ ] (!) Emergency stop tested
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "CL005"
NAME = "critical-mark-not-recognised"
DESCRIPTION = "A checklist item's critical mark is written so that it is not recognised."
LEVEL = "error"
SCOPE = "document"

#: ``(!)`` written another way, at the start of an item's text: in emphasis,
#: with full-width characters or spaces (``(!!)`` is a plant's own mark, not this).
_LOOKALIKE = re.compile(r"^(?:\*\*|__|\*|_)?\s*[(（]\s*[!！]\s*[)）]")
#: A tick box with the mark stuck to it: ``[ ](!)`` (a link to "!").
_STUCK = re.compile(r"^\[[ xX]\]\(\s*[!！]")


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.type != "checklist":
        return
    for item in doc.items:
        # A recognised mark is taken off the text; what is left is a lookalike
        # (after a recognised one, "(!) (!) text", a doubled mark: left be).
        if not item.critical and _LOOKALIKE.match(item.text):
            yield Finding(item.line, "this critical mark is not recognised, so the item "
                                     "prints as an ordinary one: write it as plain '(!)' right "
                                     "after the box: '- [ ] (!) text'")
    entries = [e for block in doc.preamble_lists for e in block.items]
    entries += [e for section in doc.sections for block in section.lists for e in block.items]
    for entry in entries:
        for text, line in [(entry.text, entry.line), *entry.children]:
            if _STUCK.match(text):
                yield Finding(line, "'[ ](!)' is not a tick box with a critical mark (it "
                                    "reads as a link): put a space after the box: "
                                    "'- [ ] (!) text'")
