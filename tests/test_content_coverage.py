"""The starter content covers the whole safety management system (issue 12).

These tests read the repository's own knowledge base through the package
(``load_config`` and ``load_kb``, as ``safetykb check`` does) and assert what a
plant adopting it can rely on: how many procedures, actions and checklists
there are, in which languages, that every theme of the management system has
its document, and that the overview page links them all. They do not depend on
today's date: review dates are compared with fixed dates, and the lint runs as
on the suite's fixed day. If one fails because a document was removed or
renamed, the content has shrunk: restore it, or replace it under a new id and
update the theme table below in the same change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO, lint_root
from safetykb.config import load_config
from safetykb.loader import load_kb
from safetykb.model import Document

#: Themes of the management system and the document that covers each one:
#: (theme, id, type, language).
THEMES: list[tuple[str, str, str, str]] = [
    ("responsibility system with matrix", "PROC-MGT-001", "procedure", "en"),
    ("management presence and site walks", "PROC-MGT-002", "procedure", "en"),
    ("rules, inspection standards, assessment, rewards and penalties", "PROC-MGT-003",
     "procedure", "en"),
    ("three-level safety objectives", "PROC-MGT-004", "procedure", "en"),
    ("hidden-danger investigation and rectification", "PROC-HD-001", "procedure", "en"),
    ("handling of violations", "PROC-VIO-001", "procedure", "en"),
    ("team (shift) safety management", "PROC-TEAM-001", "procedure", "en"),
    ("safety education and training", "PROC-TRN-001", "procedure", "zh"),
    ("incentives and recognition", "PROC-INC-001", "procedure", "en"),
    ("supervision and inspection, before the event", "PROC-SUP-001", "procedure", "en"),
    ("management of change", "PROC-MOC-001", "procedure", "en"),
    ("emergency response and accident reporting", "PROC-EMG-001", "procedure", "en"),
    ("risk assessment", "PROC-RA-001", "procedure", "en"),
    ("contractor safety management", "PROC-CON-001", "procedure", "zh"),
    ("lockout/tagout", "ACT-LOTO-001", "action", "en"),
    ("work at height with a harness", "ACT-WAH-001", "action", "en"),
    ("hot work", "ACT-WELD-001", "action", "en"),
    ("confined-space entry", "ACT-CSE-001", "action", "en"),
    ("forklift pre-use and operation", "ACT-FLT-001", "action", "en"),
    ("chemical decanting", "ACT-CHEM-001", "action", "zh"),
    ("pre-shift team safety check", "CL-HD-001", "checklist", "zh"),
    ("shift handover", "CL-TEAM-001", "checklist", "en"),
    ("weekly team safety activity record", "CL-TEAM-002", "checklist", "en"),
    ("hidden-danger inspection", "CL-HD-002", "checklist", "en"),
    ("hidden-danger inspection, second sheet", "CL-HD-004", "checklist", "en"),
    ("major hidden danger criteria", "CL-HD-003", "checklist", "zh"),
    ("manager's site walk", "CL-MGT-001", "checklist", "en"),
    ("new-starter induction sign-off", "CL-TRN-001", "checklist", "zh"),
]

#: Each standardised action and its pre-use checklist.
PRE_USE = {"ACT-LOTO-001": "CL-LOTO-002", "ACT-WAH-001": "CL-WAH-001",
           "ACT-WELD-001": "CL-WELD-001", "ACT-CSE-001": "CL-CSE-001",
           "ACT-FLT-001": "CL-FLT-001", "ACT-CHEM-001": "CL-CHEM-001"}

#: Inspection-mode checklists (answered Yes / No / N/A).
INSPECTION = {"CL-HD-002", "CL-HD-003", "CL-HD-004", "CL-LOTO-001"}

#: Documents adapted from ../shared/corpora, with a phrase of the attribution
#: that must stay on the page.
ADAPTED = {"CL-LOTO-001": "OSHA 2209", "ACT-LOTO-001": "29 CFR 1910.147",
           "PROC-RA-001": "Open Government Licence",
           "CL-HD-003": "应急管理部令第10号"}

GLOSSARY_TERMS = ["安全生产责任制", "隐患排查治理", "一般事故隐患", "重大事故隐患", "班组",
                  "班前会", "交接班", "三级安全教育", "标准化作业", "五型班组", "事前监督",
                  "三级安全目标", "五定", "一岗双责", "双重预防机制", "上锁挂牌", "有限空间"]

PLACEHOLDER = re.compile(r"\b(TODO|TBD|XXX|FIXME)\b|lorem ipsum|write this section|待补充|待定",
                         re.I)
EARLIEST_REVIEW = dt.date(2027, 12, 31)
DOCS = REPO / "docs"
INIT = REPO / "src" / "safetykb" / "templates" / "init"


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    kb = load_kb(REPO, load_config(REPO))
    by_id = {d.id: d for d in kb.documents if d.id}
    assert len(by_id) == len(kb.documents), "a document without an id, or a duplicate id"
    return by_id


def in_force(docs: dict[str, Document]) -> list[Document]:
    return [d for d in docs.values() if d.status == "approved"]


def lang(doc: Document) -> str:
    return doc.lang or "en"


def test_counts_by_type_and_language(docs: dict[str, Document]) -> None:
    approved = in_force(docs)
    by_type = Counter(d.type for d in approved)
    assert by_type["procedure"] >= 12, by_type
    assert by_type["action"] >= 6, by_type
    assert by_type["checklist"] >= 12, by_type
    zh = Counter(d.type for d in approved if lang(d) == "zh")
    assert sum(zh.values()) >= 4, zh
    assert zh["procedure"] >= 1 and zh["action"] >= 1 and zh["checklist"] >= 2, zh


@pytest.mark.parametrize(("theme", "doc_id", "doc_type", "language"), THEMES,
                         ids=[t[1] for t in THEMES])
def test_every_theme_has_its_approved_document(docs: dict[str, Document], theme: str,
                                               doc_id: str, doc_type: str,
                                               language: str) -> None:
    assert doc_id in docs, f"{theme}: {doc_id} is missing"
    doc = docs[doc_id]
    assert doc.status == "approved", f"{theme}: {doc_id} is {doc.status}"
    assert doc.type == doc_type
    assert lang(doc) == language


def test_every_action_has_a_pre_use_checklist(docs: dict[str, Document]) -> None:
    actions = {d.id for d in in_force(docs) if d.type == "action"}
    assert set(PRE_USE) <= actions
    for action, checklist in PRE_USE.items():
        assert docs[checklist].status == "approved", checklist
        assert docs[checklist].meta.get("procedure") == action, checklist


def test_inspection_checklists_are_in_inspection_mode(docs: dict[str, Document]) -> None:
    for doc_id in INSPECTION:
        assert docs[doc_id].meta.get("mode") == "inspection", doc_id


def test_checklists_fit_the_house_format(docs: dict[str, Document]) -> None:
    for doc in in_force(docs):
        if doc.type != "checklist":
            continue
        pauses = [s for s in doc.sections if s.items]
        assert 1 <= len(pauses) <= 4, (doc.id, len(pauses))
        assert sum(len(s.items) for s in pauses) <= 30, doc.id
        for section in pauses:
            assert 3 <= len(section.items) <= 9, (doc.id, section.title, len(section.items))
            for item in section.items:
                assert len(item.text) <= 110, (doc.id, item.text)
        assert any(i.critical for s in pauses for i in s.items), f"{doc.id}: no critical item"


def test_actions_nest_key_point_and_hazard_under_every_step(docs: dict[str, Document]) -> None:
    for doc in in_force(docs):
        if doc.type != "action":
            continue
        steps = doc.text.split("\n## ", 3)
        body = next(part for part in steps if part.startswith(("Steps", "操作步骤")))
        numbered = re.findall(r"^\d+\. ", body, re.M)
        key_points = re.findall(r"^ {4}- (?:Key point|要点)：?:? ?", body, re.M)
        hazards = re.findall(r"^ {4}- (?:Hazard|危险)", body, re.M)
        assert numbered and len(key_points) == len(numbered) == len(hazards), doc.id


def test_document_control_fields(docs: dict[str, Document]) -> None:
    for doc in in_force(docs):
        meta = doc.meta
        assert meta.get("author") and meta.get("author") != meta.get("approved_by"), doc.id
        effective = dt.date.fromisoformat(str(meta.get("effective")))
        review = dt.date.fromisoformat(str(meta.get("review_due")))
        assert effective.year == 2026, doc.id
        assert review >= EARLIEST_REVIEW and review > effective, doc.id
        if int(meta.get("revision", 1)) > 1:
            assert meta.get("change_note"), doc.id
        for ref in list(meta.get("related") or []) + [meta.get("procedure")]:
            if ref:
                assert docs[ref].status == "approved", f"{doc.id} refers to {ref}"
        assert not PLACEHOLDER.search(doc.text), doc.id


def test_adapted_documents_keep_their_attribution(docs: dict[str, Document]) -> None:
    assert len(ADAPTED) >= 2
    for doc_id, phrase in ADAPTED.items():
        assert phrase in docs[doc_id].text, doc_id
    readme = (REPO / "README.md").read_text("utf-8")
    licence = readme.split("## Licence and sources", 1)[1]
    for phrase in ("OSHA 2209", "1910.147", "Open Government Licence", "应急管理部令第10号"):
        assert phrase in licence, phrase


def test_overview_page_links_every_document_and_has_both_diagrams(
        docs: dict[str, Document]) -> None:
    page = (DOCS / "system-at-a-glance.md").read_text("utf-8")
    links = set(re.findall(r"\]\(([^)#]+\.md)\)", page))
    for doc in in_force(docs):
        assert doc.relpath in links, f"{doc.id} ({doc.relpath}) is not linked"
    for svg in ("hidden-danger-loop.svg", "responsibility-chain.svg"):
        assert f"]({svg})" in page, svg
        text = (DOCS / svg).read_text("utf-8")
        assert "<title" in text and "<desc" in text, svg
        # No request leaves the site: the only URL is the SVG namespace.
        assert set(re.findall(r"https?://[^\s\"']+", text)) == {"http://www.w3.org/2000/svg"}
        assert "<script" not in text and "href=\"http" not in text, svg
    assert "Text version of the diagram" in page


def test_glossary_has_the_key_terms_in_both_languages() -> None:
    glossary = (DOCS / "glossary.md").read_text("utf-8")
    for term in GLOSSARY_TERMS:
        assert term in glossary, term
    for term in ("hidden danger", "pre-shift meeting", "five-type team",
                 "supervision before the event", "three-level safety objectives"):
        assert term in glossary, term


def test_init_samples_are_marked_examples() -> None:
    samples = sorted((INIT / "procedures").rglob("*.md")) + \
        sorted((INIT / "checklists").rglob("*.md"))
    assert samples
    for path in samples:
        text = path.read_text("utf-8")
        front = text.split("\n---\n", 1)[0]
        assert re.search(r"^status: draft$", front, re.M), path.name
        for field in ("owner", "approved_by"):
            assert re.search(rf"^{field}: \"?Example: ", front, re.M), (path.name, field)
        for line in text.split("\n---\n", 1)[1].splitlines():
            indent = len(line) - len(line.lstrip(" "))
            assert indent % 4 == 0, (path.name, line)


def test_repository_checks_clean_on_the_fixed_day() -> None:
    problems = lint_root(REPO)
    assert not problems, "\n".join(f"{p.path}:{p.line} {p.rule} {p.message}"
                                   for p in problems)


def test_every_document_file_is_named_by_its_id(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        assert Path(doc.relpath).name == f"{doc.id.lower()}.md", doc.relpath
        assert re.fullmatch(r"[a-z0-9_/-]+\.md", doc.relpath), doc.relpath
