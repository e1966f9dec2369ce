"""Every rule fixture: the problems found are exactly the ones marked.

A fixture is a folder under ``tests/fixtures/rules/<RULE-ID>/`` (one per rule)
or ``tests/fixtures/bad-input/<case>/``, holding Markdown documents. A mark
``{RULE-ID}`` at the end of a line says that this rule must report that line;
lines without a mark must not be reported by any rule. Marks are removed
before checking.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, expected_rules, lint_root, materialise
from safetykb.rules import REGISTRY

CASES = sorted(p for group in ("rules", "bad-input") if (FIXTURES / group).is_dir()
               for p in (FIXTURES / group).iterdir() if p.is_dir())


@pytest.mark.parametrize("fixture", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture(fixture: Path, tmp_path: Path) -> None:
    expected = materialise(fixture, tmp_path)
    found = {(p.path, p.line, p.rule) for p in lint_root(tmp_path)}
    assert found == expected, (
        f"\nmissing: {sorted(expected - found)}\nunexpected: {sorted(found - expected)}")


def test_every_rule_has_a_fixture_that_triggers_it() -> None:
    # History rules (GC…) run only with --against: their cases are before/after
    # pairs in fixtures/against/ (tests/test_against.py).
    against = sorted((FIXTURES / "against").glob("*/after"))
    marked = set().union(*(expected_rules(fixture) for fixture in [*CASES, *against]))
    missing = sorted(set(REGISTRY) - marked)
    assert not missing, f"rules with no failing fixture: {missing}"


def test_every_rule_folder_is_a_known_rule() -> None:
    folders = {p.name for p in (FIXTURES / "rules").iterdir() if p.is_dir()}
    assert folders <= set(REGISTRY), sorted(folders - set(REGISTRY))
