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

import re
from collections.abc import Iterator

from ..model import Document
from ._links import has_scheme, targets
from .base import Context, Finding

ID = "LK002"
NAME = "link-outside"
DESCRIPTION = "A link or include points outside the knowledge base, or is an absolute path."
LEVEL = "error"
SCOPE = "document"
#: Resolves symbolic links on disk: runs again on documents from the cache.
CACHEABLE = False

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    root = ctx.kb.root.resolve()
    for target, line, kind in targets(doc):
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path:
            continue
        if path.startswith(("/", "\\")) or _DRIVE.match(path):
            yield Finding(line, f"{kind} {target[:60]!r} is an absolute path; use a path "
                                "relative to this file")
            continue
        if has_scheme(path):
            continue
        resolved = (doc.path.parent / path).resolve()
        if not resolved.is_relative_to(root):
            yield Finding(line, f"{kind} {target[:60]!r} points outside the knowledge base")
