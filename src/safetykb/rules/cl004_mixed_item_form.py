"""A checklist's items are either all questions or all statements.

Reason: the form tells how to answer. Questions ("Is the guard in place?") are
answered Yes / No / N/A; statements ("Guard in place", "Check the guard") are
ticked. Mixing them on one sheet makes the answer column ambiguous. An
``inspection`` checklist, answered Yes / No / N/A, must use questions.

Failing example::

    - [ ] Is the guard in place?
    - [ ] Test the emergency stop

Passing example::

    - [ ] Is the guard in place?
    - [ ] Does the emergency stop work?
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ._text import quoted
from .base import Context, Finding

ID = "CL004"
NAME = "mixed-item-form"
DESCRIPTION = "A checklist mixes question items and statement items."
LEVEL = "error"
SCOPE = "document"


def is_question(text: str) -> bool:
    return text.rstrip().endswith(("?", "？"))


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.type != "checklist":
        return
    items = doc.items
    if not items:
        return
    questions = [i for i in items if is_question(i.text)]
    if doc.meta.get("mode") == "inspection":
        for item in items:
            if not is_question(item.text):
                yield Finding(item.line, f"item {quoted(item.text, 50)} is not a question; an "
                                         "inspection checklist is answered Yes / No / N/A, "
                                         "so every item must be a question ending in '?'")
        return
    if not questions or len(questions) == len(items):
        return
    first = is_question(items[0].text)
    for item in items:
        if is_question(item.text) != first:
            this, that = ("a statement", "a question") if first else ("a question", "a statement")
            yield Finding(item.line, f"item {quoted(item.text, 50)} is {this} but the checklist's "
                                     f"first item is {that}; use one form for every item")
