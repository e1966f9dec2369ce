"""A relative link must lead to a page or attachment that the site publishes.

Reason: a link to a form, a drawing or another procedure that is not there
fails the reader in the middle of a task. The link is resolved as the site
resolves it (one resolver serves this rule and the renderer): to another
document (and one of its headings, for ``#anchor``), to an ordinary page in
``docs/``, or to an attachment (PNG, JPEG, GIF, WebP, PDF) in the content
folders, which the build publishes. Folders, other file types and missing
anchors are reported, because they would not work on the site.

Failing example::

    Fill in [the permit](../forms/hot-work-permit.md).   # no such file
    See [the steps](act-weld-001.md#step).                 # no such heading

Passing example::

    Fill in [the permit](../actions/act-weld-001.md#steps).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..links import resolve
from ..model import Document
from ._links import targets
from ._text import quoted
from .base import Context, Finding

ID = "LK003"
NAME = "broken-link"
DESCRIPTION = "A relative link leads to no published page, heading or attachment."
LEVEL = "error"
SCOPE = "kb"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    for target, line, kind in targets(doc):
        resolved = resolve(ctx.kb, doc, target)
        if resolved.kind == "broken" and ("absolute path" in resolved.message
                                          or "outside" in resolved.message):
            continue  # LK002 reports those
        if kind == "include":
            yield Finding(line, f"include {quoted(target)}: snippet includes (--8<--) are not "
                                "supported; the line would be published as text")
        elif resolved.kind == "broken":
            yield Finding(line, f"{kind} target {quoted(target)} {resolved.message}")
