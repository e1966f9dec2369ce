"""An approved document must not still be one of ``safetykb init``'s samples.

Reason: ``init`` writes a sample procedure, action and checklist to show the
format, with owners such as "Example: Production" and a note that says to
adapt or delete them. Approved as they are, they are published as the
plant's controlled documents: a register listing "Example: Production" as
an owner, a checklist posted at "Every workstation". Write the real owner,
approver and content (and take the sample note out), or delete the sample.
A warning, so that a knowledge base being set up still builds.

Failing example::

    status: approved
    owner: "Example: Production"

Passing example::

    status: approved
    owner: Press shop
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "PH002"
NAME = "sample-text"
DESCRIPTION = "An approved document still holds the sample text of safetykb init."
LEVEL = "warning"
SCOPE = "document"

#: The values ``init``'s samples carry, and their note.
SAMPLE_VALUES = {
    "owner": ("Example: Production", "Example: Safety Department"),
    "author": ("Example: Safety Engineer",),
    "approved_by": ("Example: Production Manager", "Example: Plant Manager"),
}
_SAMPLE_NOTE = re.compile(r"written by `?safetykb init`? to show the format")


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.status != "approved":
        return
    for key, samples in SAMPLE_VALUES.items():
        value = doc.meta.get(key)
        if isinstance(value, str) and value.strip() in samples:
            yield Finding(doc.line_of(key), f"{key} is still the sample value {value!r} that "
                                           "safetykb init wrote: write the real one")
    match = _SAMPLE_NOTE.search(doc.body)
    if match:
        line = doc.body_line + doc.body.count("\n", 0, match.start())
        yield Finding(line, "this is still the sample note of safetykb init: adapt the "
                            "document and take the note out, or delete the sample")
