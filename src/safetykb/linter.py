"""Run the rules over a knowledge base and collect problems.

This module finds; it does not report. The command line and the site hook
decide output format and exit status.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import cache as doc_cache
from .cache import cached_key, local_key
from .config import Config, ConfigError, load_config
from .loader import Progress, load_kb
from .model import Document, KnowledgeBase, Problem
from .rules import REGISTRY, Context, Rule, default_levels
from .rules.base import waived_rules

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: ``safetykb build --today`` reaches the site generator's process through this.
TODAY_ENV = "SAFETYKB_TODAY"


def default_today() -> dt.date:
    """Today, or the day ``SAFETYKB_TODAY`` names (``build --today``)."""
    value = os.environ.get(TODAY_ENV, "")
    try:
        return dt.date.fromisoformat(value) if value else dt.date.today()
    except ValueError:
        return dt.date.today()


def one_line(message: str) -> str:
    """Messages quote what users wrote; control characters (a newline in a
    key, a tab) are shown escaped so that every problem stays on one line."""
    if not _CONTROL.search(message):
        return message
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], message)


def _prepared(rules: Iterable[Rule], kb: KnowledgeBase, today: dt.date,
              by_id: dict[str, list[Document]] | None = None,
              context: type[Context] = Context, **extra: Any
              ) -> list[tuple[Rule, str, Context]]:
    """Each rule that is on, with its configured level and its context (of
    class ``context``, given ``extra`` besides the usual fields)."""
    config: Config = kb.config
    out = []
    for rule in rules:
        level = config.level(rule.id, rule.level)
        if level != "off":
            out.append((rule, level, context(kb=kb, config=config, today=today,
                                             options=config.rule_options(rule.id),
                                             _by_id=by_id, **extra)))
    return out


def _apply(prepared: list[tuple[Rule, str, Context]], doc: Document,
           config: Config) -> list[Problem]:
    problems: list[Problem] = []
    waived = waived_rules(doc, config)
    for rule, level, ctx in prepared:
        if rule.id in waived:
            continue
        for finding in rule.check(doc, ctx):
            target = finding.doc or doc
            problems.append(Problem(target.relpath, finding.line, finding.column,
                                    rule.id, finding.level or level,
                                    one_line(finding.message)))
    return problems


def _run(rules: Iterable[Rule], docs: Iterable[Document], kb: KnowledgeBase,
         today: dt.date, by_id: dict[str, list[Document]] | None = None) -> list[Problem]:
    prepared = _prepared(rules, kb, today, by_id)
    return [p for doc in docs for p in _apply(prepared, doc, kb.config)]


def lint_locally(docs: Iterable[Document], kb: KnowledgeBase, today: dt.date,
                 only_uncacheable: bool = False) -> None:
    """Run the document-scope rules on ``docs`` and keep the result on each.

    Called where documents are loaded (in worker processes on a large
    knowledge base); :func:`lint` then reuses the result. With
    ``only_uncacheable``, the documents come from the cache between runs with
    the other rules' problems: only the rules marked uncacheable run, and
    their problems are added.
    """
    key = local_key(kb.config, today)
    rules = [r for r in REGISTRY.values() if r.scope == "document"
             and (r.cacheable is False or not only_uncacheable)]
    prepared = _prepared(rules, kb, today)
    for doc in docs:
        found = _apply(prepared, doc, kb.config)
        doc.local_problems = [*(doc.local_problems or ()), *found] if only_uncacheable \
            else found
        doc.local_key = key


def _prepare(docs: list[Document], root: Path, config: Config, today: dt.date) -> None:
    """Worker side of :func:`check_paths`: document-scope rules where the
    documents were parsed, so that both cores share the rules too."""
    lint_locally(docs, KnowledgeBase(root=root, config=config, documents=docs), today)


def lint(kb: KnowledgeBase, today: dt.date | None = None,
         only: Iterable[Document] | None = None) -> list[Problem]:
    """Every problem in ``kb`` (or only in the documents ``only``), sorted.

    Document-scope results already kept on a document for the same day and
    configuration are reused (a live preview re-checks only changed files);
    knowledge-base rules always run, over the whole knowledge base.
    """
    today = today or default_today()
    docs = list(only) if only is not None else kb.documents
    key = local_key(kb.config, today)
    from_cache = cached_key(kb.config, today)
    lint_locally([d for d in docs if d.local_key == from_cache], kb, today,
                 only_uncacheable=True)
    lint_locally([d for d in docs if d.local_key != key], kb, today)
    problems = [p for doc in docs for p in doc.local_problems or ()]
    by_id = Context(kb=kb, config=kb.config, today=today).ids
    cross = [r for r in REGISTRY.values() if r.scope == "kb"]
    problems += _run(cross, docs, kb, today, by_id)
    return sorted(set(problems))


def check_paths(root: Path, paths: Iterable[Path] | None = None,
                today: dt.date | None = None, cache: bool = False,
                progress: Progress | None = None,
                store: bool = True) -> tuple[KnowledgeBase, list[Problem]]:
    """Load the knowledge base at ``root`` and lint it (or only ``paths`` in it).

    ``cache`` keeps parsed documents between calls in one process (live
    preview); ``store`` keeps checked documents between runs in the
    knowledge base's ``.safetykb_cache/`` (:mod:`safetykb.cache`; also off
    with ``SAFETYKB_NO_CACHE=1``). Raises
    :class:`~safetykb.config.ConfigError` for an unusable configuration.
    """
    config = load_config(root, default_levels())
    if not any((root / d).is_dir() for d in config.content_dirs):
        raise ConfigError(f"{config.path}: none of the content folders "
                          f"{config.content_dirs} exists in {root} (content_dirs)")
    paths = list(paths or [])
    day = today or default_today()
    kept = doc_cache.DocumentCache(root, config, day) \
        if store and doc_cache.enabled() else None
    try:
        kb = load_kb(root, config, paths, cache=cache, progress=progress,
                     prepare=functools.partial(_prepare, today=day), store=kept)
    finally:
        if kept is not None:
            kept.close()
    return kb, lint(kb, day, selected(kb, paths) if paths else None)


def selected(kb: KnowledgeBase, paths: Iterable[Path]) -> list[Document]:
    """The documents of ``kb`` that are, or lie under, one of ``paths``."""
    wanted = [p.resolve() for p in paths]
    return [d for d in kb.documents
            if any(d.path.resolve() == w or w in d.path.resolve().parents for w in wanted)]
