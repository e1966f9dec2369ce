"""Property-based tests: random front matter and Markdown never crash the
loader or the rules; every outcome is a problem report.

The normal suite runs a few hundred examples; the opt-in target runs 10,000:
``.venv/bin/python -m pytest -m slow tests/test_fuzz.py``.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from safetykb.config import load_config
from safetykb.crosscheck import mismatch
from safetykb.linter import lint
from safetykb.loader import load_kb
from safetykb.model import KnowledgeBase, Problem
from safetykb.render import document_html
from safetykb.rules import REGISTRY, default_levels
from safetykb.schema import FIELDS

KEYS = st.one_of(st.sampled_from(sorted(FIELDS)), st.text(max_size=12))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(allow_nan=True),
    st.text(max_size=30), st.dates().map(dt.date.isoformat),
    st.sampled_from(["procedure", "action", "checklist", "approved", "draft", "superseded",
                     "withdrawn", "PROC-HD-001", "CL-A-001", "read-do", "inspection", "zh"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
YAML_NOISE = st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#%@`\t \n\u200b\u202e中")),
                     max_size=80)


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(YAML_NOISE)
    data = draw(st.dictionaries(KEYS, VALUES, max_size=10))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


MD_LINE = st.one_of(
    st.text(max_size=40),
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), st.text(max_size=20)),
    st.builds(lambda t: f"- [ ] {t}", st.text(max_size=30)),
    st.builds(lambda t: f"- [ ] (!) {t}?", st.text(max_size=30)),
    st.builds(lambda n, t: f"{n}. {t}", st.integers(0, 99), st.text(max_size=30)),
    st.builds(lambda t: f"   - Key point: {t}", st.text(max_size=20)),
    st.sampled_from(["```", "~~~", "<script>x</script>", "<div onclick='a()'>", "</div>",
                     "[a](javascript:alert(1))", "[b](../../../etc/passwd)", "--8<-- 'x'",
                     "<!-- c -->", "| a | b |", "|---|---|", "> quote", "    code", "",
                     "---", "***", "<iframe src=x>", "[c]: data:text/html,x", "* * *"]),
)


@st.composite
def document(draw: st.DrawFn) -> bytes:
    parts = []
    if draw(st.integers(0, 9)):
        closing = "---\n" if draw(st.integers(0, 9)) else ""
        parts.append("---\n" + draw(front_matter()) + closing)
    parts.append("\n".join(draw(st.lists(MD_LINE, max_size=25))))
    data = "".join(parts).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 19)) == 0:
        data = draw(st.binary(max_size=200)) + data
    if draw(st.integers(0, 9)) == 0:
        data = data.replace(b"\n", b"\r\n")
    return data


def _check(files: list[bytes]) -> list[Problem]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "safetykb.yml").write_text("content_dirs: [.]\n", "utf-8")
        for number, data in enumerate(files):
            (root / f"d{number}.md").write_bytes(data)
        config = load_config(root, default_levels())
        kb = load_kb(root, config)
        problems = lint(kb, dt.date(2026, 11, 29))
        differential(kb)
    for problem in problems:
        assert problem.rule in REGISTRY
        assert problem.level in ("error", "warning")
        assert problem.line >= 1 and problem.column >= 1
        assert problem.message and "\n" not in problem.message
    return problems


_RAW_STRUCTURE = re.compile(r"<\s*/?\s*(?:ol|ul|li|input|h2)\b", re.I)


def differential(kb: KnowledgeBase) -> None:
    """The rules' parse and the published page agree on structure: sections,
    list entries per section and tick boxes (raw HTML that writes lists or
    headings of its own is a structure the checker does not count, and the
    build refuses it as a mismatch; such documents are left out here)."""
    for doc in kb.documents:
        if not doc.text or any(_RAW_STRUCTURE.search(f.html) for f in doc.html):
            continue
        page = document_html(doc, kb)
        if page.removed:
            continue
        assert mismatch(doc, page.html) is None, (doc.relpath, mismatch(doc, page.html))


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@fuzz(300)
@given(st.lists(document(), min_size=1, max_size=3))
def test_random_documents_only_ever_yield_problems(files: list[bytes]) -> None:
    _check(files)


@pytest.mark.slow
@fuzz(10_000)
@given(st.lists(document(), min_size=1, max_size=3))
def test_random_documents_only_ever_yield_problems_long(files: list[bytes]) -> None:
    _check(files)


@pytest.mark.parametrize("fixture", sorted(p for group in ("rules", "bad-input")
                                           for p in (FIXTURES / group).glob("*")
                                           if p.is_dir()) + [FIXTURES / "frozen-kb"],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_renders_with_the_structure_the_rules_saw(fixture: Path,
                                                               tmp_path: Path) -> None:
    from conftest import materialise

    materialise(fixture, tmp_path)
    kb = load_kb(tmp_path, load_config(tmp_path, default_levels()))
    assert kb.documents
    differential(kb)
