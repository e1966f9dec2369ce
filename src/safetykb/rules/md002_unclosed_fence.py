"""Every code fence is closed.

Reason: a fence (```` ``` ```` or ``~~~``) that is never closed turns the rest
of the document (or of the list item or quote it stands in) into code: steps,
warnings and checklist items after it are shown as grey literal text, and the
rules that read steps and items see none of them. The page then silently
lacks half a procedure. Close the fence with a line of the same character, at
least as long as the opening one.

Failing example::

    ```text
    LOCKED OUT - DO NOT OPERATE
    ## Emergency

Passing example::

    ```text
    LOCKED OUT - DO NOT OPERATE
    ```

    ## Emergency
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Document
from ._text import quoted
from .base import Context, Finding

ID = "MD002"
NAME = "unclosed-fence"
DESCRIPTION = "A ``` or ~~~ code fence is never closed and swallows the rest."
LEVEL = "error"
SCOPE = "document"

_CLOSE = re.compile(r"(`{3,}|~{3,})[ \t]*")


def _closed(line: str, markup: str) -> bool:
    """True when ``line`` (container marks ``>`` and indentation removed)
    closes a fence opened with ``markup``."""
    match = _CLOSE.fullmatch(line.lstrip(" \t>"))
    if match is None:
        return False
    fence = match.group(1)
    return fence[0] == markup[0] and len(fence) >= len(markup)


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if "```" not in doc.body and "~~~" not in doc.body:
        return
    lines = doc.body.split("\n")
    total = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
    for tok in doc.tokens():
        if tok.type != "fence" or not tok.map:
            continue
        first, end = tok.map
        if end - first >= 2 and _closed(lines[end - 1], tok.markup):
            continue
        where = ("the end of the document" if end >= total
                 else f"line {doc.body_line + end - 1}, where its list item or quote ends")
        opening = lines[first].strip()
        yield Finding(doc.body_line + first,
                      f"code fence {quoted(opening, 40)} is never closed: everything up to "
                      f"{where} is shown as code and not read as steps or items; add a "
                      f"closing {tok.markup!r} line after the code")
