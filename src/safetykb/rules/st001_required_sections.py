"""Procedures and actions must have the required ``##`` sections, in order.

Reason: a reader in a hurry finds the emergency actions or the prohibited
actions in the same place in every document. The sections are configured per
document type and language (``sections`` in ``safetykb.yml``); by default a
procedure has Purpose, Scope, Responsibilities, Hazards and controls,
Procedure, Emergency, Records, References and an action has Purpose, Hazards
and controls, Steps, Prohibited actions (Chinese documents: 目的, 适用范围 ...).
Other ``##`` sections may stand between them.

Failing example::

    ## Purpose
    ## Steps
    ## Hazards and controls

Passing example::

    ## Purpose
    ## Hazards and controls
    ## Steps
    ## Prohibited actions
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "ST001"
NAME = "required-sections"
DESCRIPTION = "A required ## section is missing, out of order or empty."
LEVEL = "error"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.type not in ("procedure", "action"):
        return
    lang = ctx.lang(doc)
    required = ctx.config.required_sections(doc.type, lang)
    titles = [s.title.casefold() for s in doc.sections]
    position = -1
    previous: str | None = None
    for name in required:
        key = name.casefold()
        if key not in titles:
            after = f" after '## {previous}'" if previous else " as the first section"
            line = doc.sections[-1].end_line + 1 if doc.sections else doc.body_line
            if previous and previous.casefold() in titles:
                line = doc.sections[titles.index(previous.casefold())].line
            yield Finding(line, f"missing section '## {name}', required in a {lang} {doc.type}"
                                f"{after}; sections: {', '.join(required)}")
            continue
        index = titles.index(key)
        section = doc.sections[index]
        if index < position:
            yield Finding(section.line, f"section '## {section.title}' is out of order; "
                                        f"expected it after '## {previous}'")
        elif not (section.paragraphs or section.lists or section.items or section.subheadings):
            yield Finding(section.line, f"section '## {section.title}' is empty; say what "
                                        "applies, or 'None.'")
        position = max(position, index)
        previous = name
