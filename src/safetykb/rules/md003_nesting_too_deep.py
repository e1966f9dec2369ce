"""Lists and quotes are nested at most 8 levels deep.

Reason: nobody follows a step at the eighth level of a list at the machine;
such nesting is almost always an indentation mistake, or a document built to
break tools. At markdown-it's nesting limit (20 block levels) the parser stops
reading: everything deeper is dropped from the page *and* from what the rules
check, so a hidden step or link would pass unseen. The depth limit is ``rules:
MD003: max_depth`` in ``safetykb.yml``; the parser's limit is reported
whatever it says.

Failing example: a list item nested nine levels deep, or
``>>>>>>>>>>>>>>>>>>>> text``.

Passing example: steps with one level of key points below them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..markdown import parser
from ..model import Document
from .base import Context, Finding

ID = "MD003"
NAME = "nesting-too-deep"
DESCRIPTION = "Lists or quotes are nested too deep, or reach the parser's nesting limit."
LEVEL = "error"
SCOPE = "document"

OPTIONS: dict[str, Any] = {"max_depth": 8}
_MD = parser(inline=False)
_CONTAINERS = {"bullet_list_open", "ordered_list_open", "blockquote_open"}
_CLOSERS = {"bullet_list_close", "ordered_list_close", "blockquote_close"}


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    # Nesting needs indentation or '>' at the start of many lines: cheap test first.
    if ">" not in doc.body and "  " not in doc.body:
        return
    value = ctx.options.get("max_depth", OPTIONS["max_depth"])
    max_depth = value if isinstance(value, int) and value >= 1 else OPTIONS["max_depth"]
    limit = int(_MD.options.get("maxNesting", 20))
    depth = 0
    at_limit: int | None = None
    for tok in doc.tokens():
        if tok.type in _CONTAINERS:
            depth += 1
            if depth == max_depth + 1 and tok.map:
                what = "quote" if tok.type == "blockquote_open" else "list"
                yield Finding(doc.body_line + tok.map[0],
                              f"{what} nested {depth} levels deep; at most {max_depth} "
                              "levels of lists and quotes are allowed (rules: MD003: "
                              "max_depth): flatten the structure")
        elif tok.type in _CLOSERS:
            depth -= 1
        if at_limit is None and tok.level >= limit - 1 and tok.map:
            at_limit = tok.map[0]
    if at_limit is not None:
        yield Finding(doc.body_line + at_limit,
                      f"nesting reaches the Markdown parser's limit of {limit} levels: "
                      "whatever stands deeper is dropped from the page and from every "
                      "check; flatten the structure")
