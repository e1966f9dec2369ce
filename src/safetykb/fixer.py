"""``safetykb check --fix``: apply the mechanical fixes rules offer.

Like ``ruff --fix``: a rule whose fix is mechanical (list indentation, line
endings, a ``#`` title equal to the front-matter title, trailing spaces) has
``fix(doc, text) -> text``. Each document with such a problem is fixed one
rule at a time, re-read after every fix (line numbers move), until no fixable
problem is left; the file is written only if its text changed, with LF line
endings and no byte-order mark. What was changed is returned for the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .linter import lint_locally
from .loader import load_document
from .model import Document, KnowledgeBase
from .rules import REGISTRY

#: A fix that does not converge (a rule bug) stops after this many passes.
MAX_PASSES = 10


@dataclass
class Fixed:
    """One file rewritten, with the rules whose fixes were applied."""

    relpath: str
    rules: list[str] = field(default_factory=list)


def _fixable(doc: Document) -> list[str]:
    ids = {p.rule for p in doc.local_problems or () if p.level != "off"}
    return [rule_id for rule_id, rule in REGISTRY.items() if rule.fix and rule_id in ids]


def fix_documents(kb: KnowledgeBase, today: dt.date) -> list[Fixed]:
    """Fix every document of ``kb`` in place; returns what was changed."""
    out: list[Fixed] = []
    for original in kb.documents:
        doc = original
        record = Fixed(doc.relpath)
        before = doc.path.read_bytes() if doc.path.is_file() else b""
        text = doc.text
        for _ in range(MAX_PASSES):
            lint_locally([doc], kb, today)
            rules = _fixable(doc)
            if not rules:
                break
            rule = REGISTRY[rules[0]]
            assert rule.fix is not None
            new = rule.fix(doc, text)
            if new == text and rule.id in record.rules:
                break
            text = new
            record.rules.append(rule.id)
            _write(doc.path, text)
            doc = load_document(doc.path, kb.root, kb.config)
        if record.rules and doc.path.read_bytes() != before:
            out.append(record)
    return out


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))
