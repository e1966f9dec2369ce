"""An approved document must not hold placeholder text.

Reason: "TODO", "TBD" or "待补充" in a document in force means a step, a
hazard or a responsibility was never written, and the reader at the machine
cannot tell. Drafts may hold placeholders; an approved document may not
(superseded and withdrawn documents are no longer read as instructions and are
not checked). Front-matter values and the body are searched; code blocks are
not. Upper-case words (TODO, TBD, TBC, FIXME, XXX) are matched exactly, other
Latin words and phrases as whole words in any case, Chinese phrases anywhere.
The list is ``rules: PH001: words`` in ``safetykb.yml``.

Failing example::

    status: approved
    ...
    ## Emergency

    TODO: write this section.

Passing example::

    status: approved
    ...
    ## Emergency

    Press the emergency stop and call the shift supervisor on 2222.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from ..model import Document
from ._text import quoted
from ._values import strings
from .base import Context, Finding

ID = "PH001"
NAME = "placeholder"
DESCRIPTION = "An approved document holds placeholder text (TODO, TBD, 待补充 ...)."
LEVEL = "error"
SCOPE = "document"

OPTIONS: dict[str, Any] = {
    "words": ["TODO", "TBD", "TBC", "FIXME", "XXX", "write this section", "lorem ipsum",
              "to be completed", "待补充", "待定", "待完善", "此处填写"],
}

_cache: dict[tuple[str, ...], re.Pattern[str]] = {}


def pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for ``words``: upper-case words exactly, other Latin words
    whole and in any case, non-Latin phrases as substrings."""
    if words not in _cache:
        parts = []
        for word in words:
            if not word.strip():
                continue
            escaped = re.escape(word.strip()).replace(r"\ ", r"\s+")
            if word.isascii():
                exact = word.isupper()
                body = escaped if exact else f"(?i:{escaped})"
                parts.append(rf"(?<![A-Za-z0-9_]){body}(?![A-Za-z0-9_])")
            else:
                parts.append(escaped)
        _cache[words] = re.compile("|".join(parts) or r"(?!)")
    return _cache[words]


@functools.lru_cache(maxsize=32)
def _firsts(words: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The longest word of each ASCII placeholder (every word of a phrase
    must be in a text that holds it): (exact, lower case)."""
    exact: list[str] = []
    lower: list[str] = []
    for word in words:
        parts = word.split()
        if parts and word.isascii():
            longest = max(parts, key=len)
            (exact if word.isupper() else lower).append(
                longest if word.isupper() else longest.lower())
    return tuple(exact), tuple(lower)


def may_hold(text: str, words: tuple[str, ...]) -> bool:
    """False only when ``pattern(words)`` cannot match ``text``: a pure-ASCII
    text that holds the longest word of none of the ASCII placeholders (a
    non-ASCII placeholder cannot be in it). Fast substring tests instead of
    the pattern's look-arounds at every position; any other text is
    searched with the pattern itself. For ASCII text, the pattern's
    case-insensitive match is exactly ASCII lower case."""
    if not text.isascii():
        return True
    exact, lower = _firsts(words)
    if any(w in text for w in exact):
        return True
    lowered = text.lower()
    return any(w in lowered for w in lower)


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.status != "approved":
        return
    words = tuple(str(w) for w in ctx.options.get("words", OPTIONS["words"]) or ())
    rx = pattern(words)
    advice = "an approved document must be complete: write the text, or set status: draft"
    # One test over all the values first: most documents hold no placeholder.
    values = [(key, list(strings(value))) for key, value in doc.meta.items()]
    clean = not may_hold("\n".join(t for _, texts in values for t in texts), words)
    for key, texts in [] if clean else values:
        for text in texts:
            match = rx.search(text) if may_hold(text, words) else None
            if match:
                yield Finding(doc.line_of(key), f"placeholder {match.group(0)!r} in field "
                                                f"'{key}' ({quoted(text)}): {advice}")
                break
    if not may_hold(doc.body, words) or not rx.search(doc.body):  # clean: one pass
        return
    for number, line in enumerate(doc.body.split("\n"), start=doc.body_line):
        if number in doc.code_lines:
            continue
        match = rx.search(line)
        if match:
            yield Finding(number, f"placeholder {match.group(0)!r} in "
                                  f"{quoted(line)}: {advice}",
                          column=match.start() + 1)
