"""Every step of an action must give its key point and its hazard.

Reason: a standardised action is the prescribed steps of one job, each with
the key point that makes it right and the hazard it guards against; the job
card prints them as the columns "Key point" and "Hazard" beside each step.
A step without them prints with empty cells, and the operator is left to
guess what matters. Write them on lines under the step, as bullets indented
by 4 spaces or as indented lines: ``Key point:`` and ``Hazard:`` (要点/操作要点,
危险/危害/风险). Where a step has no hazard of its own, say so
(``Hazard: none``) instead of leaving the cell blank. Read the same way as
the job card reads them, so what passes is what prints.

Failing example::

    ## Steps
    1. Stop the machine with the normal stop button.
    2. Switch off the main isolator.
        - Key point: one lock per person.

Passing example::

    ## Steps
    1. Stop the machine with the normal stop button.
        - Key point: wait until every moving part has come to rest.
        - Hazard: parts running on after the stop.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "ACT002"
NAME = "step-without-key-point"
DESCRIPTION = ("A step of an action gives no key point or no hazard (its job-card cells "
               "print empty).")
LEVEL = "warning"
SCOPE = "document"


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.fm_ok or doc.type != "action":
        return
    name = ctx.config.steps_section("action", ctx.lang(doc))
    if not name or doc.section(name) is None:
        return  # ST001 reports the missing section
    # The job card's own reading of the steps (imported here: only actions pay).
    from ..pdf.content import steps

    for step in steps(doc, name):
        missing = [label for label, value in (("key point", step.key_point),
                                              ("hazard", step.hazard)) if not value]
        if missing:
            what = " and no ".join(missing)
            lines = " and ".join(f"'{m[0].upper()}{m[1:]}: ...'" for m in missing)
            yield Finding(step.line, f"step {step.number} has no {what}: its job-card cells "
                                     f"print empty; add {lines} under it (4 spaces in)")
