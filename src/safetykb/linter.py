"""Run the rules over a knowledge base and collect problems.

This module finds; it does not report. The command line and the site hook
decide output format and exit status.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from .config import Config, load_config
from .loader import Progress, load_kb
from .model import Document, KnowledgeBase, Problem
from .rules import REGISTRY, Context, default_levels

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(message: str) -> str:
    """Messages quote what users wrote; control characters (a newline in a
    key, a tab) are shown escaped so that every problem stays on one line."""
    if not _CONTROL.search(message):
        return message
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], message)


def _waived(doc: Document) -> set[str]:
    waivers = doc.meta.get("waivers") if doc.fm_ok else None
    out: set[str] = set()
    if isinstance(waivers, list):
        for waiver in waivers:
            if isinstance(waiver, dict) and isinstance(waiver.get("rule"), str) \
                    and isinstance(waiver.get("reason"), str) and waiver["reason"].strip():
                out.add(waiver["rule"])
    return out


def lint(kb: KnowledgeBase, today: dt.date | None = None,
         only: Iterable[Document] | None = None) -> list[Problem]:
    """Every problem in ``kb`` (or only in the documents ``only``), sorted."""
    config: Config = kb.config
    today = today or dt.date.today()
    docs = list(only) if only is not None else kb.documents
    problems: list[Problem] = []
    base = Context(kb=kb, config=config, today=today)
    for rule in REGISTRY.values():
        level = config.level(rule.id, rule.level)
        if level == "off":
            continue
        ctx = Context(kb=kb, config=config, today=today, options=config.rule_options(rule.id),
                      _by_id=base.ids)
        for doc in docs:
            if rule.id in _waived(doc):
                continue
            for finding in rule.check(doc, ctx):
                target = finding.doc or doc
                problems.append(Problem(target.relpath, finding.line, finding.column,
                                        rule.id, finding.level or level, one_line(finding.message)))
    return sorted(set(problems))


def check_paths(root: Path, paths: Iterable[Path] | None = None,
                today: dt.date | None = None, cache: bool = False,
                progress: Progress | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Load the knowledge base at ``root`` and lint it (or only ``paths`` in it).

    ``cache`` keeps parsed documents between calls in one process (live
    preview). Raises :class:`~safetykb.config.ConfigError` for an unusable
    configuration.
    """
    config = load_config(root, default_levels())
    paths = list(paths or [])
    kb = load_kb(root, config, paths, cache=cache, progress=progress)
    only = None
    if paths:
        wanted = [p.resolve() for p in paths]
        only = [d for d in kb.documents
                if any(d.path.resolve() == w or w in d.path.resolve().parents for w in wanted)]
    return kb, lint(kb, today, only)
