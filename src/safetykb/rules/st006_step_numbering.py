"""Step numbers must run 1, 2, 3 … without gaps, repeats or jumps back.

Reason: people refer to steps by number ("stop at step 6", "repeat from step
4"), in permits, training and incident reports. The published page and the
printed job card count the steps by their position (the page from the first
number), not by the numbers written in the file, so a gap or a repeat in the
file means that the file, the page and the card disagree about which step is
"step 7". The rule looks at the top-level ordered lists of the steps section
(``## Procedure`` in a procedure, ``## Steps`` in an action; ``steps_section``
in ``safetykb.yml``); a list after a paragraph must go on from the number
where the list before it stopped. There is no ``--fix``: renumbering safety
steps must be done, and every reference to a step number checked, by a person.

Failing example (no step 3)::

    ## Steps
    1. Switch off the isolator.
    2. Fit your personal lock.
    4. Test that the machine does not start.

Passing example::

    ## Steps
    1. Switch off the isolator.
    2. Fit your personal lock.
    3. Test that the machine does not start.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from ._steps import steps_section
from .base import Context, Finding

ID = "ST006"
NAME = "step-numbering"
DESCRIPTION = "Numbered steps have a gap, a repeat or a jump back in their numbers."
LEVEL = "error"
SCOPE = "document"

_HINT = "number the steps 1, 2, 3 … in order (renumber by hand and check every reference " \
        "to a step number)"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    section = steps_section(doc, ctx)
    if section is None:
        return  # ST001 reports the missing section.
    previous: int | None = None
    position = 0  # the number the printed job card gives the step
    for block in section.lists:
        if not block.ordered:
            continue  # ST002 reports bullets.
        for entry in block.items:
            number = entry.number
            position += 1
            if number is None:
                continue
            if previous is None and number != 1:
                yield Finding(entry.line, f"the first step is numbered {number}; "
                                          f"start at 1: {_HINT}")
            elif previous is not None and number != previous + 1:
                if number == previous:
                    what = f"a second step is numbered {number}"
                elif number < previous:
                    what = f"step numbered {number} follows step {previous}"
                else:
                    gap = (f"no step {previous + 1}" if number == previous + 2
                           else f"no steps {previous + 1} to {number - 1}")
                    what = f"step numbered {number} follows step {previous} ({gap})"
                yield Finding(entry.line, f"{what}; the printed card numbers it {position}: "
                                          f"{_HINT}")
            previous = number
