"""A checklist's items are either all questions or all statements.

Reason: the form tells how to answer. Questions ("Is the guard in place?") are
answered Yes / No / N/A; statements ("Guard in place", "Check the guard") are
ticked. Mixing them on one sheet makes the answer column ambiguous. An
``inspection`` checklist, answered Yes / No / N/A, must use questions. The
items reported are those of the form fewer items have (on a tie, the form
the first item does not have).

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
                                         "so every item must be a question ending in '?' "
                                         "(or '？')")
        return
    if not questions or len(questions) == len(items):
        return
    # The form most items have is the checklist's (on a tie, the first
    # item's): the items of the other form are the ones to rewrite.
    statements = len(items) - len(questions)
    tie = len(questions) == statements
    asked = len(questions) > statements or (tie and is_question(items[0].text))
    those = (f"{len(questions)} of the {len(items)} items are questions" if asked else
             f"{statements} of the {len(items)} items are statements")
    if tie:
        those += ", the first one among them"
    this = "a statement" if asked else "a question"
    for item in items:
        if is_question(item.text) != asked:
            yield Finding(item.line, f"item {quoted(item.text, 50)} is {this} but {those}; "
                                     "use one form for every item")
