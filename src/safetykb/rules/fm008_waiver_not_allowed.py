"""A document may waive only the rules the configuration lets it waive.

Reason: ``waivers:`` lets a document silence a rule for itself, with a
reason: useful for a review date being renegotiated (DC002) or a long
checklist kept on purpose (CL003). But a document must not be able to switch
off the checks that protect readers and document control: unsafe HTML or
URLs, invisible characters, ids, approval and references. Only the rules in
``waivable:`` of ``safetykb.yml`` may be waived (the default list is in the
package's ``conf/default.yaml``); a waiver of any other rule is reported here
and has no effect.

Failing example::

    waivers:
      - rule: HT001
        reason: we need the script

Passing example::

    waivers:
      - rule: DC002
        reason: Review moved to the March audit, MOC-2026-14
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from importlib import resources

import yaml

from ..model import Document
from .base import Context, Finding

ID = "FM008"
NAME = "waiver-not-allowed"
DESCRIPTION = "A document waives a rule that is not in the configuration's waivable list."
LEVEL = "error"
SCOPE = "document"


@functools.cache
def default_waivable() -> frozenset[str]:
    """The ``waivable`` list of the package's default configuration."""
    text = resources.files("safetykb").joinpath("conf/default.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    return frozenset(str(r) for r in data.get("waivable") or [])


def _line(doc: Document, rule_id: str, start: int) -> int:
    """File line (from ``start``) of the waiver naming ``rule_id``, within the
    front matter; ``start`` when it cannot be found."""
    lines = doc.text.split("\n")
    word = re.compile(rf"(?<![A-Za-z0-9]){re.escape(rule_id)}(?![A-Za-z0-9])")
    for number in range(start, min(doc.fm_end, len(lines)) + 1):
        if word.search(lines[number - 1]):
            return number
    return start


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    waivers = doc.meta.get("waivers") if doc.fm_ok else None
    if not isinstance(waivers, list):
        return
    from . import REGISTRY

    allowed = ctx.config.waivable
    cursor = doc.line_of("waivers")
    for waiver in waivers:
        rule_id = waiver.get("rule") if isinstance(waiver, dict) else None
        if not isinstance(rule_id, str):
            continue
        line = _line(doc, rule_id, cursor)
        cursor = line
        if rule_id in allowed or rule_id not in REGISTRY:
            continue  # FM004 reports an unknown rule id
        shown = ", ".join(sorted(allowed)) or "none"
        yield Finding(line, f"waiver of {rule_id!r} is not allowed and has no effect: a "
                            "document may waive only the rules in 'waivable' of "
                            f"safetykb.yml ({shown}); fix what {rule_id} reports instead")
