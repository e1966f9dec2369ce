"""Content nested under a list item is indented by 4 spaces.

Reason: this site reads a list with CommonMark, where a line belongs to a list
item once it is indented as far as the item's text (3 spaces under ``1.``,
2 under ``-``). Python-Markdown (MkDocs' default engine, and many other tools
that show the same file) nests only at 4 spaces: there a "Key point" indented
by 3 spaces under step 1 falls out of the list, and the next steps are
renumbered from 1. A step list that reads differently in another tool is not a
controlled document. Indent paragraphs, sub-lists and code nested in an item
by 4 spaces from the item's marker (8 for the next level, ...).

``safetykb check --fix`` re-indents such blocks to 4 spaces from their item's
marker, and only when the fixed text has exactly the same structure as before
(the same blocks, lists and items on the same lines, with the same text).

Failing example::

    1. Stop the press.
       Key point: the flywheel has stopped.

       - Hazard: run-on of the flywheel.

Passing example::

    1. Stop the press.

        Key point: the flywheel has stopped.

        - Hazard: run-on of the flywheel.

(A line directly under the item's text without a blank line continues its
paragraph in both readings and is left alone.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from ..markdown import parser
from ..model import Document
from .base import Context, Finding

ID = "MD001"
NAME = "list-indent"
DESCRIPTION = "Content nested in a list item is indented by fewer than 4 spaces."
LEVEL = "warning"
SCOPE = "document"

INDENT = 4
_MD = parser(inline=False)


@dataclass(frozen=True)
class Misindented:
    """One block nested in a list item with too little indentation."""

    first: int  # 0-based line in the body
    end: int  # one past its last line
    item_line: int  # 0-based line of the item's marker
    relative: int  # its indentation minus the marker's column
    shift: int  # spaces to add to each of its lines


def _indent(line: str) -> int | None:
    """Leading spaces of ``line``; None when tabs make the column uncertain."""
    stripped = line.lstrip(" ")
    if stripped.startswith("\t"):
        return None
    return len(line) - len(stripped)


#: A line indented by a number of spaces that is not a multiple of 4, or by
#: a tab. Without one, no block can be misindented: a block nested in an item
#: starts at least 2 columns right of the item's marker (CommonMark), so it
#: is found only 2 or 3 columns right of it, and the lines of both cannot
#: be indented by multiples of 4. (Possessive: the groups of 4 are never
#: given back, so a line of a million spaces is read once.)
_OFF_GRID = re.compile(r"^(?:    )*+(?: {1,3}[^ \n]| {0,3}\t)", re.M)


def misindented(body: str, tokens: list[Any] | None = None) -> list[Misindented]:
    """Blocks nested in list items at less than 4 spaces from the marker
    (``tokens``: the body's block tokens when already parsed)."""
    if "-" not in body and "*" not in body and "+" not in body and "." not in body \
            and ")" not in body:
        return []
    if _OFF_GRID.search(body) is None:
        return []
    return scan(body, _MD.parse(body) if tokens is None else tokens)


def scan(body: str, tokens: list[Any]) -> list[Misindented]:
    """:func:`misindented` without its fast path: the scan of the tokens."""
    lines = body.split("\n")
    out: list[Misindented] = []
    # Open containers: (token type, level, marker column or None, item line).
    stack: list[tuple[str, int, int | None, int]] = []
    quoted = 0
    for tok in tokens:
        if tok.nesting == -1:
            if tok.type == "blockquote_close":
                quoted -= 1
            if stack and stack[-1][1] == tok.level and tok.type.endswith("_close"):
                stack.pop()
            continue
        parent = stack[-1] if stack else None
        if parent is not None and parent[0] == "list_item_open" and parent[2] is not None \
                and tok.level == parent[1] + 1 and tok.map and tok.block \
                and tok.map[0] > parent[3]:
            indent = _indent(lines[tok.map[0]])
            if indent is not None and indent - parent[2] < INDENT:
                out.append(Misindented(tok.map[0], tok.map[1], parent[3], indent - parent[2],
                                       parent[2] + INDENT - indent))
        if tok.nesting == 1:
            if tok.type == "blockquote_open":
                quoted += 1
            column: int | None = None
            line = tok.map[0] if tok.map else -1
            if tok.type == "list_item_open" and tok.map and not quoted:
                same_line = parent is not None and parent[0] == "list_item_open" \
                    and parent[3] == line
                column = None if same_line else _indent(lines[line])
                if column is not None and _tabbed(lines, tok):
                    column = None
            stack.append((tok.type, tok.level, column, line))
    return out


def _tabbed(lines: list[str], tok: Token) -> bool:
    assert tok.map is not None
    return any(_indent(line) is None for line in lines[tok.map[0]:tok.map[1]])


def _shifted(body: str, blocks: list[Misindented]) -> str:
    lines = body.split("\n")
    shift = [0] * len(lines)
    for block in blocks:
        for number in range(block.first, min(block.end, len(lines))):
            shift[number] += block.shift
    return "\n".join(" " * shift[n] + line if shift[n] and line.strip() else line
                     for n, line in enumerate(lines))


def structure(body: str) -> list[tuple[str, str, int, tuple[int, ...], str]]:
    """What the parser makes of ``body``, for comparing a fix with the original:
    every token's type, tag, level, lines and content (raw HTML compared
    without its indentation, which does not change what it shows)."""
    out = []
    for tok in _MD.parse(body):
        content = tok.content
        if tok.type == "html_block":
            content = "\n".join(line.strip() for line in content.split("\n"))
        out.append((tok.type, tok.tag, tok.level, tuple(tok.map or ()), content))
    return out


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    for block in misindented(doc.body, doc.tokens()):
        spaces = "space" if block.relative == 1 else "spaces"
        yield Finding(doc.body_line + block.first,
                      f"indented {block.relative} {spaces} under the list item of line "
                      f"{doc.body_line + block.item_line}; expected {INDENT}: other tools that "
                      "show this file (Python-Markdown, MkDocs' default) nest content in a "
                      "list item only at 4 spaces and would show this outside the list "
                      "(safetykb check --fix re-indents it)",
                      column=block.relative + 1)


def fix(doc: Document, text: str) -> str:
    """Re-indent misindented blocks by whole lines; ``text`` unchanged when the
    parse of the result would differ in anything but indentation."""
    lines = text.split("\n")
    head, body = lines[:doc.body_line - 1], "\n".join(lines[doc.body_line - 1:])
    blocks = misindented(body)
    if not blocks:
        return text
    fixed = _shifted(body, blocks)
    if structure(fixed) != structure(body):
        return text
    return "\n".join([*head, fixed])
