"""What a rule is, and what it is given.

A rule is a module in this package with ``ID``, ``NAME``, ``DESCRIPTION``,
``LEVEL``, ``SCOPE`` and a ``check(doc, ctx)`` function. ``SCOPE`` is
``"document"`` when the rule reads only the document itself (it may then run
in a worker process, and its result is kept while the file is unchanged) or
``"kb"`` when it reads other documents through ``ctx.ids``, or ``"history"``
when it compares the documents with an earlier git revision (it runs only with
``check --against REF``, see :mod:`safetykb.gitcontrol`); its docstring is its
documentation (summary, reason, a failing and a passing example). ``check``
yields :class:`Finding` objects and never prints, exits or writes files: the
linter turns findings into problems with the configured level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..model import Document, KnowledgeBase

if TYPE_CHECKING:
    from ..gitcontrol import Change


@dataclass(frozen=True)
class Finding:
    """A rule's report: a line (and column) and what is wrong there.

    ``doc`` is set only when a rule reports on another file than the document
    it was given.
    """

    line: int
    message: str
    column: int = 1
    doc: Document | None = None
    #: Overrides the configured level (DC002 escalates to error after its grace).
    level: str | None = None


@dataclass
class Context:
    """What rules may look at besides the document: the whole knowledge base,
    the configuration, today's date and the rule's own options."""

    kb: KnowledgeBase
    config: Config
    today: dt.date
    options: dict[str, Any] = field(default_factory=dict)
    _by_id: dict[str, list[Document]] | None = None
    #: Scratch space of the rule for this run only (what it worked out once
    #: for many documents); a new run starts empty.
    memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def ids(self) -> dict[str, list[Document]]:
        """Every id in the knowledge base with the documents that carry it."""
        if self._by_id is None:
            by_id: dict[str, list[Document]] = {}
            for doc in self.kb.documents:
                if doc.id:
                    by_id.setdefault(doc.id, []).append(doc)
            self._by_id = by_id
        return self._by_id

    def lang(self, doc: Document) -> str:
        return doc.lang or self.config.lang

    def applies(self, rule_id: str, doc: Document) -> bool:
        """Whether rule ``rule_id`` runs on ``doc``: not off in the
        configuration, and not waived by the document."""
        from . import REGISTRY

        rule = REGISTRY.get(rule_id)
        return (rule is not None and self.config.level(rule_id, rule.level) != "off"
                and rule_id not in waived_rules(doc, self.config))


def waived_rules(doc: Document, config: Config | None = None) -> set[str]:
    """Rules ``doc`` waives for itself: those of its ``waivers`` with a reason
    that the configuration's ``waivable`` list allows (the package default's
    list without a configuration). A waiver of any other rule has no effect;
    FM008 reports it."""
    waivers = doc.meta.get("waivers") if doc.fm_ok else None
    out: set[str] = set()
    if not isinstance(waivers, list):
        return out
    if config is not None:
        allowed = config.waivable
    else:
        from .fm008_waiver_not_allowed import default_waivable

        allowed = default_waivable()
    for waiver in waivers:
        if isinstance(waiver, dict) and isinstance(waiver.get("rule"), str) \
                and isinstance(waiver.get("reason"), str) and waiver["reason"].strip() \
                and waiver["rule"] in allowed:
            out.add(waiver["rule"])
    return out


@dataclass
class HistoryContext(Context):
    """The context of a history rule (``check --against REF``): the usual one
    plus the :class:`~safetykb.gitcontrol.Change` since REF."""

    change: Change | None = None


@dataclass(frozen=True)
class Rule:
    """A registered rule (built from its module)."""

    id: str
    name: str
    description: str
    level: str
    scope: str
    check: Callable[..., Iterator[Finding]]
    doc: str
    #: ``fix(doc, text) -> text`` for a rule whose fix is mechanical
    #: (``safetykb check --fix``): the whole file text in, the fixed text out.
    fix: Callable[[Document, str], str] | None = None
    #: Options and their defaults (the module's ``OPTIONS``), declared once in
    #: the rule; ``safetykb.yml`` may override each, with the same type.
    options: dict[str, Any] = field(default_factory=dict)
    #: False when the result depends on more than the file and the run's
    #: settings (the module's ``CACHEABLE``; LK002 follows symbolic links on
    #: disk): such a rule runs again on documents read from the cache.
    cacheable: bool = True

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        scope = getattr(module, "SCOPE", "document")
        if scope not in ("document", "kb", "history"):
            raise ValueError(f"{module.__name__}: SCOPE must be 'document', 'kb' or 'history'")
        return cls(
            id=module.ID,
            name=module.NAME,
            description=module.DESCRIPTION,
            level=module.LEVEL,
            scope=scope,
            check=module.check,
            doc=(module.__doc__ or "").strip(),
            fix=getattr(module, "fix", None),
            options=dict(getattr(module, "OPTIONS", {})),
            cacheable=bool(getattr(module, "CACHEABLE", True)),
        )


def recorded(doc: Document, rule_id: str) -> Iterator[Finding]:
    """Findings the loader recorded for ``rule_id`` while reading ``doc``
    (problems that stop a file from being read at all)."""
    for p in doc.load_problems:
        if p.rule == rule_id:
            yield Finding(p.line, p.message, p.column)
