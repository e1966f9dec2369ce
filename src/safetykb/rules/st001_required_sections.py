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
from ._text import shorten
from .base import Context, Finding

ID = "ST001"
NAME = "required-sections"
DESCRIPTION = "A required ## section is missing, out of order or empty."
LEVEL = "error"
SCOPE = "document"


LANG_NAMES = {"en": "English", "zh": "Chinese"}


def _article(lang: str) -> str:
    name = LANG_NAMES.get(lang, lang)
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or not doc.body.strip() or doc.type not in ("procedure", "action"):
        return  # ST003 reports an empty body.
    lang = ctx.lang(doc)
    required = ctx.config.required_sections(doc.type, lang)
    titles = [s.title.casefold() for s in doc.sections]
    missing = [name for name in required if name.casefold() not in titles]
    if missing:
        line = doc.sections[0].line if doc.sections else doc.body_line
        listed = ", ".join(f"'## {name}'" for name in missing)
        yield Finding(line, f"missing section{'s' if len(missing) > 1 else ''} {listed}; "
                            f"{_article(lang)} {doc.type} has, in this order: "
                            f"{', '.join(required)}")
    position = -1
    previous: str | None = None
    for name in required:
        if name.casefold() not in titles:
            continue
        index = titles.index(name.casefold())
        section = doc.sections[index]
        if index < position:
            yield Finding(section.line, f"section '## {shorten(section.title)}' is out of order; "
                                        f"expected it after '## {previous}'")
        elif not (section.paragraphs or section.lists or section.items or section.subheadings):
            yield Finding(section.line, f"section '## {shorten(section.title)}' is empty; say what "
                                        "applies, or 'None.'")
        position = max(position, index)
        previous = name
