"""Relative links must lead to a file that exists.

Reason: a link to a form, a drawing or another procedure that is not there
fails the reader in the middle of a task. The target is looked up relative to
the document's own file, as the site does.

Failing example::

    Fill in [the permit](../forms/hot-work-permit.md).   # no such file

Passing example::

    Fill in [the permit](../actions/act-weld-001.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ._links import has_scheme, targets
from .base import Context, Finding

ID = "LK003"
NAME = "broken-link"
DESCRIPTION = "A relative link points to a file that does not exist."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    root = ctx.kb.root.resolve()
    for target, line, kind in targets(doc):
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not path or has_scheme(path) or path.startswith(("/", "\\")):
            continue
        resolved = (doc.path.parent / path).resolve()
        if resolved.is_relative_to(root) and not resolved.exists():
            yield Finding(line, f"{kind} target {path!r} does not exist (looked for "
                                f"{resolved.relative_to(root).as_posix()})")
