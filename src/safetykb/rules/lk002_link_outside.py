"""Links and includes must stay inside the knowledge base.

Reason: a relative link or an include such as ``../../etc/passwd`` reaches
files that are not part of the reviewed knowledge base, and an absolute local
path (``/srv/share/x.pdf``, ``C:\\procedures``) works on the author's PC and
nowhere else. Link to another document or page with a relative path inside
the repository, or to a web address.

Failing example::

    See [the old manual](../../../shared/manual.pdf).

Passing example::

    See [the lockout action](../actions/act-loto-001.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from ..model import Document
from ._links import has_scheme, targets
from ._text import quoted
from .base import Context, Finding

ID = "LK002"
NAME = "link-outside"
DESCRIPTION = "A link or include points outside the knowledge base, or is an absolute path."
LEVEL = "error"
SCOPE = "document"
#: Resolves symbolic links on disk: runs again on documents from the cache.
CACHEABLE = False

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def _realpath(joined: str, folders: dict[str, str | None]) -> str:
    """``os.path.realpath(joined)``, with the real path of each existing
    folder worked out once per run: it resolves the same whatever follows it,
    and the last part is resolved only when it is itself a link. A folder
    that does not exist or loops is resolved with the rest every time, as
    ``realpath`` does."""
    head, tail = os.path.split(joined)
    if tail in ("", ".", ".."):
        return os.path.realpath(joined)
    if head in folders:
        real_head = folders[head]
    else:
        try:
            real_head = os.path.realpath(head, strict=True)
        except OSError:
            real_head = None
        folders[head] = real_head
    if real_head is None:
        return os.path.realpath(joined)
    candidate = os.path.join(real_head, tail)
    return os.path.realpath(candidate) if os.path.islink(candidate) else candidate


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    # os.path.realpath is what Path.resolve() does, without making Paths (this
    # rule runs on every document of every check, from the cache too).
    root = os.path.realpath(ctx.kb.root)
    inside = root.rstrip(os.sep) + os.sep
    folder = str(doc.path.parent)
    for target, line, kind in targets(doc):
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path:
            continue
        if path.startswith(("/", "\\")) or _DRIVE.match(path):
            yield Finding(line, f"{kind} {quoted(target)} is an absolute path; use a path "
                                "relative to this file")
            continue
        if has_scheme(path):
            continue
        resolved = _realpath(os.path.join(folder, path), ctx.memo)
        if resolved != root and not resolved.startswith(inside):
            yield Finding(line, f"{kind} {quoted(target)} points outside the knowledge base")
