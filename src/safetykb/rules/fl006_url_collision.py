"""No two documents are published at the same URL.

Reason: pages are published with folder URLs: ``procedures/a.md`` at
``procedures/a/``, and ``procedures/a/index.md`` (or ``README.md``, an index
page too) at the same ``procedures/a/``. Two such documents overwrite each
other on the site: one of them silently disappears, and a link or QR code
shows a different instruction from the one it was made for. Rename or move
one of them.

Failing example: ``procedures/lockout.md`` next to ``procedures/lockout/index.md``.

Passing example: ``procedures/lockout/overview.md`` next to
``procedures/lockout/proc-loto-001.md``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..links import page_dir
from ..model import Document, KnowledgeBase
from .base import Context, Finding

ID = "FL006"
NAME = "url-collision"
DESCRIPTION = "Two documents are published at the same URL (a.md and a/index.md)."
LEVEL = "error"
SCOPE = "kb"

#: (knowledge base, number of documents) -> documents by published folder.
_cache: dict[tuple[int, int], dict[str, list[Document]]] = {}


def _by_url(kb: KnowledgeBase) -> dict[str, list[Document]]:
    key = (id(kb.documents), len(kb.documents))
    if key not in _cache:
        _cache.clear()
        groups: dict[str, list[Document]] = {}
        for doc in kb.documents:
            groups.setdefault(page_dir(doc.relpath), []).append(doc)
        _cache[key] = groups
    return _cache[key]


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    url = page_dir(doc.relpath)
    others = [d.relpath for d in _by_url(ctx.kb).get(url, []) if d is not doc]
    if others:
        yield Finding(1, f"{doc.relpath!r} is published at '{url or '/'}', like "
                         f"{', '.join(repr(o) for o in sorted(others))}: one page would "
                         "replace the other; rename or move one of them")
