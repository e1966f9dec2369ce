"""The JSON Schema that editors use agrees with the front-matter rules.

Every document in the rule and bad-input fixtures is validated with the
``jsonschema`` package against ``safetykb schema``: the schema must accept a
front matter exactly when the front-matter rules (FM003 missing field, FM004
bad value, FM005 unknown field) find nothing in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, TODAY, materialise
from safetykb.config import load_config
from safetykb.linter import lint
from safetykb.loader import load_kb
from safetykb.rules import default_levels
from safetykb.schema import _JSON_CONDITIONS, FIELDS, json_schema

jsonschema = pytest.importorskip("jsonschema")

FRONT_MATTER_RULES = {"FM003", "FM004", "FM005"}
CASES = sorted(p for group in ("rules", "bad-input") for p in (FIXTURES / group).iterdir()
               if p.is_dir())


def validator() -> object:
    schema = json_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def fixture_documents(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict, bool]]:
    """(path, front matter, whether a front-matter rule reports it) for every
    fixture document whose front matter could be read."""
    out = []
    for case in CASES:
        root = tmp_path_factory.mktemp(case.name)
        materialise(case, root)
        config = load_config(root, default_levels())
        kb = load_kb(root, config)
        flagged = {p.path for p in lint(kb, TODAY) if p.rule in FRONT_MATTER_RULES}
        out += [(f"{case.name}/{d.relpath}", d.meta, d.relpath in flagged)
                for d in kb.documents if d.fm_ok]
    return out


def test_schema_agrees_with_the_front_matter_rules(
        fixture_documents: list[tuple[str, dict, bool]]) -> None:
    check = validator()
    disagree = []
    for path, meta, flagged in fixture_documents:
        errors = list(check.iter_errors(meta))  # type: ignore[attr-defined]
        if bool(errors) != flagged:
            disagree.append((path, "rules" if flagged else "schema",
                             errors[0].message if errors else ""))
    valid = sum(not flagged for _, _, flagged in fixture_documents)
    assert valid > 50 and len(fixture_documents) - valid > 20
    assert not disagree, "\n".join(map(str, disagree))


@pytest.mark.parametrize(("meta", "missing"), [
    ({"status": "approved"}, {"approved_by", "effective", "review_due"}),
    ({"status": "superseded"}, {"superseded_by"}),
    ({"revision": 2}, {"change_note"}),
    ({"type": "checklist"}, {"mode"}),
])
def test_conditional_fields(meta: dict, missing: set[str]) -> None:
    base = {"id": "PROC-A-001", "title": "T", "type": "procedure", "revision": 1,
            "status": "draft", "owner": "Safety"}
    check = validator()
    assert not list(check.iter_errors(base))  # type: ignore[attr-defined]
    errors = list(check.iter_errors({**base, **meta}))  # type: ignore[attr-defined]
    named = {e.message.split("'")[1] for e in errors if e.validator == "required"}
    assert named == missing
    full = {**base, **meta, **{name: ("2026-01-01" if name in ("effective", "review_due")
                                      else "PROC-A-002" if name == "superseded_by"
                                      else "do-confirm" if name == "mode" else "x")
                               for name in missing}}
    if meta.get("status") == "approved":
        full["review_due"] = "2027-01-01"
    assert not list(check.iter_errors(full))  # type: ignore[attr-defined]


def test_per_type_fields_are_refused_elsewhere() -> None:
    check = validator()
    meta = {"id": "PROC-A-001", "title": "T", "type": "procedure", "revision": 1,
            "status": "draft", "owner": "Safety", "workstation": "Press 3"}
    assert list(check.iter_errors(meta))  # type: ignore[attr-defined]
    meta.update(type="checklist", mode="read-do")
    assert not list(check.iter_errors(meta))  # type: ignore[attr-defined]


def test_every_condition_of_the_schema_table_has_a_json_form() -> None:
    conditions = {f.required_when for f in FIELDS.values()} - {"", "always"}
    assert conditions <= set(_JSON_CONDITIONS)


def test_published_schema_file_is_the_command_output(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "safetykb.cli", "schema"], capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(out) == json_schema()
