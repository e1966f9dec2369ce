"""Hostile documents: inputs built to make a rule's regular expressions
backtrack (every rule must stay linear), and values that must be refused.

Each family is a body that once took a rule seconds to minutes: ``<``
followed by many no-break spaces (HT001's tag pattern), many unclosed
``<!--`` (HT001's comment pattern), one long line of backtick runs (LK001's
code-span pattern). The fast tests use ~50 KB bodies and a bound far below
the old times; the slow ones (``-m slow``) use 1 MB.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import TODAY, lint_root
from safetykb.config import load_config
from safetykb.loader import load_document
from safetykb.model import KnowledgeBase
from safetykb.rules import REGISTRY, Context, default_levels

FRONT = ("---\nid: PROC-HOST-001\ntitle: Hostile\ntype: procedure\nrevision: 1\n"
         "status: approved\nowner: Safety\nauthor: A\napproved_by: B\n"
         "effective: 2026-01-05\nreview_due: 2027-06-30\n---\n\n## Purpose\n\n")


def _lines(unit: str, size: int, width: int = 3000) -> str:
    """``unit`` repeated to ``size`` characters, in lines of about ``width``."""
    per_line = max(1, width // len(unit))
    line = unit * per_line
    return "\n".join([line] * max(1, size // len(line)))


def _runs(size: int) -> str:
    """Backtick runs of falling length (none closes an earlier one), ~size chars."""
    longest = int((2 * size) ** 0.5)
    return "".join("`" * k + "a" for k in range(longest, 0, -1))


FAMILIES: dict[str, Callable[[int], str]] = {
    # HT001 _TAG: '<' then a long run of \s that is not a tag.
    "lt-nbsp": lambda n: "<div>\n<" + "\u00a0" * (n - 10) + ".",
    "lt-nbsp-lines": lambda n: "<div>\n" + _lines("<" + "\u00a0" * 200, n),
    # HT001 _COMMENT: many comments never closed.
    "open-comments": lambda n: "<!--" * (n // 4),
    "open-comments-lines": lambda n: _lines("a <!-- b ", n),
    # HT001 attributes: unclosed quotes in many tags.
    "open-quotes": lambda n: "<div>\n" + _lines("<span title=\"x '", n),
    # LK001 _CODE_SPAN: backtick runs of growing length never closed, with the
    # words that let the rule look at the line.
    "backtick-runs": lambda n: "javascript: data: " + _runs(n),
    "backtick-runs-lines": lambda n: _lines("javascript: `a ``b ```c ````d " * 20, n),
    "link-brackets": lambda n: _lines("[a](javascript:" + "(" * 50, n),
    "list-nesting": lambda n: "\n".join(" " * (2 * (i % 60)) + "- x" for i in range(n // 70)),
    "quote-nesting": lambda n: "\n".join(">" * (i % 40) + " x" for i in range(n // 30)),
    "placeholder-words": lambda n: _lines("TODOX xTBD lorem ipsu ", n),
    "trailing-spaces": lambda n: _lines("x" + " " * 300 + "\t", n, 310),
}


def _document(tmp_path: Path, body: str) -> tuple[KnowledgeBase, Context]:
    (tmp_path / "safetykb.yml").write_text(
        "content_dirs: [.]\nlimits: {max_file_bytes: 3000000, max_line_chars: 2000000}\n",
        "utf-8")
    path = tmp_path / "hostile.md"
    path.write_text(FRONT + body + "\n", "utf-8")
    config = load_config(tmp_path, default_levels())
    doc = load_document(path, tmp_path, config)
    kb = KnowledgeBase(root=tmp_path, config=config, documents=[doc])
    return kb, Context(kb=kb, config=config, today=TODAY)


def _slowest(kb: KnowledgeBase, ctx: Context) -> tuple[float, str]:
    doc = kb.documents[0]
    worst = (0.0, "")
    for rule in REGISTRY.values():
        if rule.scope == "history":
            continue
        ctx.options = ctx.config.rule_options(rule.id)
        start = time.perf_counter()
        list(rule.check(doc, ctx))
        if rule.fix is not None:
            rule.fix(doc, doc.text)
        worst = max(worst, (time.perf_counter() - start, rule.id))
    return worst


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_rules_are_fast_on_hostile_input(family: str, tmp_path: Path) -> None:
    kb, ctx = _document(tmp_path, FAMILIES[family](50_000))
    seconds, rule = _slowest(kb, ctx)
    assert seconds < 0.5, f"{rule} took {seconds:.2f} s on 50 KB of {family}"


@pytest.mark.slow
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_rules_are_linear_on_1mb_hostile_input(family: str, tmp_path: Path) -> None:
    kb, ctx = _document(tmp_path, FAMILIES[family](1_000_000))
    seconds, rule = _slowest(kb, ctx)
    assert seconds < 10, f"{rule} took {seconds:.2f} s on 1 MB of {family}"
