"""The steps of an action must be prescribed, never optional.

Reason: a standardised operating action allows "only prescribed actions, no
optional actions". Words such as "should", "may", "if possible", "as
appropriate" (应该, 可以, 尽量, 酌情) turn a step into a suggestion that the
operator may skip under time pressure. Say what to do, with "must" or the
imperative. The word list is ``rules: ACT001: words`` in ``safetykb.yml``.

Failing example::

    ## Steps
    1. You should test the isolation if possible.

Passing example::

    ## Steps
    1. Test the isolation: press start and confirm nothing moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "ACT001"
NAME = "optional-wording"
DESCRIPTION = "A step of an action uses optional wording (should, may, 可以 ...)."
LEVEL = "error"
SCOPE = "document"

_cache: dict[tuple[str, ...], re.Pattern[str]] = {}


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    if words not in _cache:
        parts = []
        for word in words:
            escaped = re.escape(word).replace(r"\ ", r"\s+")
            # Whole words for Latin script; CJK has no spaces between words.
            parts.append(escaped if not word.isascii() else rf"\b{escaped}\b")
        _cache[words] = re.compile("|".join(parts), re.IGNORECASE)
    return _cache[words]


#: Options: words that make a step optional, matched as whole words (English)
#: or substrings (Chinese), case-insensitively.
OPTIONS = {"words": ["should", "may", "if possible", "as appropriate", "optionally",
                     "where practicable", "if necessary", "应该", "可以", "尽量", "酌情",
                     "视情况"]}


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.type != "action":
        return
    name = ctx.config.steps_section("action", ctx.lang(doc))
    section = doc.section(name) if name else None
    if section is None:
        return
    words = tuple(str(w) for w in ctx.options["words"])
    if not words:
        return
    pattern = _pattern(words)
    for text, line in section.text_lines:
        for match in pattern.finditer(text):
            # 不可以 / 不应该 ("must not") are prohibitions, not options.
            before = text[max(0, match.start() - 1):match.start()]
            if not match.group(0).isascii() and before == "不":
                continue
            found = " ".join(match.group(0).split())
            yield Finding(line + text.count("\n", 0, match.start()),
                          f"optional wording {found!r} in a step: only prescribed "
                          "actions are allowed; say what must be done")
            break
