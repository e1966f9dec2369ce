"""Shared by the link rules: every link target a document makes, with its line."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import unquote

from ..model import Document

_ATTR = re.compile(r"""(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_SNIPPET = re.compile(r"""^\s*-{1,}8<-{1,}\s+["']?([^"'\s]+)["']?""")
_SNIPPET_FENCE = re.compile(r"^\s*-{1,}8<-{1,}\s*$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HIDDEN = re.compile(r"[\s\x00-\x1f]+")


def has_scheme(target: str) -> bool:
    """True for a URL with a scheme (https:, mailto:), also when tabs or
    newlines are hidden in it as browsers ignore them (jav&#x09;ascript:)."""
    return bool(SCHEME.match(_HIDDEN.sub("", target)))


def targets(doc: Document) -> Iterator[tuple[str, int, str]]:
    """(target, line, kind) for Markdown links and images, HTML href/src and
    snippet includes (``--8<-- "file"``)."""
    for link in doc.links:
        yield unquote(link.target), link.line, "image" if link.image else "link"
    for fragment in doc.html:
        for match in _ATTR.finditer(fragment.html):
            value = html.unescape(next(g for g in match.groups() if g is not None))
            line = fragment.line + fragment.html.count("\n", 0, match.start())
            yield value.strip(), line, "HTML link"
    if "8<" in doc.body:
        in_block = False
        for number, line_text in enumerate(doc.body.split("\n"), start=doc.body_line):
            if number in doc.code_lines:
                continue
            if _SNIPPET_FENCE.match(line_text):
                in_block = not in_block  # the block form: one path a line between markers
                continue
            include = _SNIPPET.match(line_text)
            if include:
                yield include.group(1), number, "include"
            elif in_block and line_text.strip() and not line_text.lstrip().startswith(";"):
                yield line_text.strip().strip("'\""), number, "include"
