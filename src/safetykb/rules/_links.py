"""Shared by the link rules: every link target a document makes, with its line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from ..model import Document

_ATTR = re.compile(r"""(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_SNIPPET = re.compile(r"""^\s*-{1,}8<-{1,}\s+["']?([^"'\s]+)["']?""")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def targets(doc: Document) -> Iterator[tuple[str, int, str]]:
    """(target, line, kind) for Markdown links and images, HTML href/src and
    snippet includes (``--8<-- "file"``)."""
    for link in doc.links:
        yield unquote(link.target), link.line, "image" if link.image else "link"
    for fragment in doc.html:
        for match in _ATTR.finditer(fragment.html):
            value = next(g for g in match.groups() if g is not None)
            line = fragment.line + fragment.html.count("\n", 0, match.start())
            yield value.strip(), line, "HTML link"
    if "8<" in doc.body:
        for number, line_text in enumerate(doc.body.split("\n"), start=doc.body_line):
            match = _SNIPPET.match(line_text)
            if match and number not in doc.code_lines:
                yield match.group(1), number, "include"
