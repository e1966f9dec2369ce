"""Text must not hold invisible or direction-changing characters.

Reason: zero-width spaces make two ids that look the same differ (a search
for ``PROC-HD-001`` misses ``PROC-HD-001`` with a hidden character), and
right-to-left overrides can make a line display differently from what it says
("Trojan Source"). Control characters other than tab and newline have no place
in a document either. The message names the character and its column.

Failing example: ``id: PROC-HD-001`` with U+200B after ``PROC``.

Passing example: the id retyped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "TX001"
NAME = "invisible-characters"
DESCRIPTION = "Text holds zero-width, direction-override or control characters."
LEVEL = "error"
SCOPE = "document"

# U+200C/U+200D (zero-width (non-)joiner) are left alone: emoji such as the
# woman construction worker and some scripts need them.
_BAD = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b\u200e\u200f"
                  "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]")


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.text or not _BAD.search(doc.text):
        return
    for number, line in enumerate(doc.text.split("\n"), start=1):
        match = _BAD.search(line)
        if match:
            char = match.group(0)
            name = unicodedata.name(char, "control character")
            yield Finding(number, f"invisible character U+{ord(char):04X} ({name}) at column "
                                  f"{match.start() + 1}; delete it", column=match.start() + 1)
