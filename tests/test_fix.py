"""Every rule's ``fix`` through the Python API.

A case is a folder ``tests/fixtures/fix/<RULE-ID>/<case>/`` with ``input.md``
(read byte for byte, so it may hold CRLF or a BOM) and ``expected.md``: the
document is loaded as ``safetykb check`` loads it, the rule's ``fix`` is given
the document and its text, and the result must equal ``expected.md``. The rule
must then no longer report the fixed text (a case's ``remaining.txt`` lists
lines the rule still reports on purpose), the fix must change nothing the
second time, and the fixed text must read the same to the loader (the same
sections, lists, items, links and HTML on the same lines), except where a fix
deliberately changes it: ST005 removes the duplicate title, and a case folder
holding a file ``changes-reading`` says so (TX002 writes ``<br>`` for a
hidden hard line break).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import FIXTURE_CONFIG, FIXTURES, TODAY
from safetykb.config import load_config
from safetykb.loader import load_document
from safetykb.model import Document, KnowledgeBase
from safetykb.rules import REGISTRY, Context, default_levels

FIX = FIXTURES / "fix"
CASES = sorted(p for p in FIX.glob("*/*") if p.is_dir())
#: Rules whose fix removes lines, so the structure moves.
REMOVES_LINES = {"ST005"}


def _load(folder: Path, data: bytes) -> tuple[Document, Context]:
    (folder / "safetykb.yml").write_text(FIXTURE_CONFIG, "utf-8")
    path = folder / "doc.md"
    path.write_bytes(data)
    config = load_config(folder, default_levels())
    doc = load_document(path, folder, config)
    kb = KnowledgeBase(root=folder, config=config, documents=[doc])
    return doc, Context(kb=kb, config=config, today=TODAY)


def _reading(doc: Document) -> tuple[object, ...]:
    """What the loader made of the body, for "reads the same" comparisons."""
    return (doc.body_line, [dataclasses.asdict(s) for s in doc.sections],
            [dataclasses.asdict(i) for i in doc.preamble_items],
            [dataclasses.asdict(h) for h in doc.html], [dataclasses.asdict(lk) for lk in doc.links],
            sorted(doc.code_lines), doc.headings, doc.meta)


def _findings(rule_id: str, doc: Document, ctx: Context) -> list[int]:
    ctx.options = ctx.config.rule_options(rule_id)
    return [f.line for f in REGISTRY[rule_id].check(doc, ctx)]


def test_there_are_cases_for_every_fixing_rule() -> None:
    fixing = {rule_id for rule_id, rule in REGISTRY.items() if rule.fix is not None}
    covered = {case.parent.name for case in CASES}
    assert fixing <= covered, f"rules with a fix but no case: {sorted(fixing - covered)}"


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fix(case: Path, tmp_path: Path) -> None:
    rule = REGISTRY[case.parent.name]
    assert rule.fix is not None, f"{rule.id} has no fix"
    before, ctx = _load(tmp_path, (case / "input.md").read_bytes())
    assert _findings(rule.id, before, ctx), f"{rule.id} does not report {case}/input.md"
    fixed = rule.fix(before, before.text)
    expected = (case / "expected.md").read_text("utf-8")
    assert fixed == expected
    after, ctx = _load(tmp_path, fixed.encode("utf-8"))
    remaining = case / "remaining.txt"  # lines the fix deliberately leaves
    left = [int(n) for n in remaining.read_text("utf-8").split()] if remaining.exists() else []
    assert _findings(rule.id, after, ctx) == left, f"{rule.id}: unexpected findings after fix"
    assert rule.fix(after, after.text) == fixed, "a second fix changed the text again"
    if rule.id not in REMOVES_LINES and not (case / "changes-reading").exists():
        assert _reading(after) == _reading(before)


def test_list_indent_fix_never_changes_what_the_parser_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fix re-parses its result and gives up when anything but indentation
    # changed: a re-indentation that (by a bug) turned a step into code must
    # leave the text as it was.
    from safetykb.rules import md001_list_indent

    case = FIX / "MD001" / "nested-steps"
    doc, _ = _load(tmp_path, (case / "input.md").read_bytes())
    monkeypatch.setattr(md001_list_indent, "_shifted",
                        lambda body, blocks: body.replace("\n1. Stop", "\n        1. Stop"))
    assert md001_list_indent.fix(doc, doc.text) == doc.text
