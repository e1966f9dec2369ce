"""How rule messages quote document text: on one line, cut at a word.

A message is one line of ``safetykb check`` output, so quoted text loses its
line breaks; text longer than the limit is cut at the last space that leaves
at least half of it (text without spaces there, a URL or Chinese, at the
limit) and ends in an ellipsis, so that a reader sees that more follows and
never takes a cut word for a typo.
"""

from __future__ import annotations

import re

#: Characters quoted text keeps at most, the ellipsis included.
LIMIT = 60
ELLIPSIS = "\u2026"
_BREAKS = re.compile(r"[ \t]*[\r\n]+[ \t]*|\t+")


def shorten(text: str, limit: int = LIMIT) -> str:
    """``text`` on one line, at most ``limit`` characters, cut at a word."""
    # Only spaces and tabs are trimmed: other invisible characters at the ends
    # may be what the message is about (TX001), and repr() shows them.
    one = _BREAKS.sub(" ", text).strip(" ")
    if len(one) <= limit:
        return one
    cut = one[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + ELLIPSIS


def quoted(text: str, limit: int = LIMIT) -> str:
    """:func:`shorten` in quotes, with escapes for what cannot be seen."""
    return repr(shorten(text, limit))
