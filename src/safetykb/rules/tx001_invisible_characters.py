"""Text must not hold invisible or direction-changing characters.

Reason: zero-width spaces make two ids that look the same differ (a search
for ``PROC-HD-001`` misses ``PROC-HD-001`` with a hidden character), and
right-to-left overrides can make a line display differently from what it says
("Trojan Source"). Control characters other than tab and newline have no place
in a document either. The message names the character and its column.

YAML escapes (``"Plant Manager\u200b"``) put such characters into a value
without writing them in the file, so the front-matter values as read (also
strings inside lists and mappings) are searched too, and reported on their
field's line. Besides zero-width, direction and control characters (C0 and
C1), the soft hyphen, the Arabic letter mark, the Hangul and Mongolian fillers,
the line and paragraph separators and the combining grapheme joiner are
refused.

Failing example: ``id: PROC-HD-001`` with U+200B after ``PROC``.

Passing example: the id retyped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ..model import Document
from ._text import quoted
from ._values import strings
from .base import Context, Finding

ID = "TX001"
NAME = "invisible-characters"
DESCRIPTION = "Text holds zero-width, direction-override or control characters."
LEVEL = "error"
SCOPE = "document"

# U+200C/U+200D (zero-width (non-)joiner) are left alone: emoji such as the
# woman construction worker and some scripts need them.
_BAD = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u034f"
                  "\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200e\u200f\u2028\u2029"
                  "\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0\ufff9-\ufffb]")


def _name(char: str) -> str:
    return unicodedata.name(char, "control character")


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    raw_lines: set[int] = set()
    if doc.text and _BAD.search(doc.text):
        for number, line in enumerate(doc.text.split("\n"), start=1):
            match = _BAD.search(line)
            if match:
                raw_lines.add(number)
                char = match.group(0)
                yield Finding(number, f"invisible character U+{ord(char):04X} ({_name(char)}) "
                                      f"at column {match.start() + 1}; delete it",
                              column=match.start() + 1)
    if not doc.fm_ok or (not raw_lines and "\\" not in doc.text):
        # A value holds such a character only as written (found above) or
        # as a YAML escape, which needs a backslash.
        return
    for key, value in doc.meta.items():
        key_line = doc.line_of(key)
        if key_line in raw_lines:
            continue  # already reported where it is written
        for found in strings(value):
            match = _BAD.search(found)
            if match:
                char = match.group(0)
                yield Finding(key_line, f"field '{key}': the value {quoted(found)} holds the "
                                        f"invisible character U+{ord(char):04X} "
                                        f"({_name(char)}), written as a YAML escape; delete it")
                break
