"""The body has no ``#`` title heading.

Reason: the page title comes from ``title`` in the front matter (the register,
the printed sheet and the search use it). A ``#`` heading in the body makes a
second, competing title; when it differs from ``title`` nobody knows which
one is the document's name, and the table of contents starts one level too
high.

``safetykb check --fix`` deletes a ``#`` line (or a line underlined with
``===``) whose text equals ``title`` (ignoring case and spaces), and one blank
line after it. A ``#`` heading with
another text is reported but left for the author: make it ``##`` or change
``title``.

Failing example::

    title: Lock out a press
    ---

    # Lock out a press

    ## Purpose

Passing example::

    title: Lock out a press
    ---

    ## Purpose
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..markdown import parser
from ..model import Document
from ._text import quoted, shorten
from .base import Context, Finding

ID = "ST005"
NAME = "body-title"
DESCRIPTION = "The body has a # title heading (the title comes from the front matter)."
LEVEL = "error"
SCOPE = "document"

_MD = parser(inline=False)
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")


def _same(heading: str, title: object) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.split()).casefold()
    return isinstance(title, str) and bool(title.strip()) and norm(heading) == norm(title)


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok:
        return
    title = doc.meta.get("title")
    for text, line in doc.h1:
        if _same(text, title):
            yield Finding(line, f"'# {shorten(text)}' repeats the title; the title comes "
                                "from the front matter: delete this line (safetykb check "
                                "--fix does)")
        else:
            yield Finding(line, f"'# {shorten(text)}' is a title heading, and not the "
                                f"document's title {quoted(str(title))}; the title comes from "
                                "the front matter: make it '## ' or change 'title'")


def fix(doc: Document, text: str) -> str:
    """Delete title headings equal to ``title`` (a ``#`` line, or a text
    underlined with ``===``), each with one blank line after it; other
    headings are left alone."""
    title = doc.meta.get("title")
    if not doc.fm_ok or not isinstance(title, str):
        return text
    lines = text.split("\n")
    start = doc.body_line - 1
    body = "\n".join(lines[start:])
    drop: set[int] = set()
    tokens = _MD.parse(body)
    for index, tok in enumerate(tokens):
        if tok.type != "heading_open" or tok.tag != "h1" or not tok.map:
            continue
        content = tokens[index + 1].content if index + 1 < len(tokens) else ""
        if tok.markup == "#":
            content = _CLOSING_HASHES.sub("", content)
        if not _same(content, title):
            continue
        end = start + tok.map[1]
        drop.update(range(start + tok.map[0], end))
        if end < len(lines) and not lines[end].strip():
            drop.add(end)
    if not drop:
        return text
    return "\n".join(line for n, line in enumerate(lines) if n not in drop)
