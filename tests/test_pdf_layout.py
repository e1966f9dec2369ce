"""The layout model of printed sheets: positions and sizes, not PDF bytes.

Every sheet of the fixture knowledge bases is checked for what the checklist
literature asks of a printed sheet: nothing overlaps, nothing crosses the
margins, item text is at least the minimum size with line spacing of at least
1.3, and a checklist is never shrunk below the minimum to fit.

Golden files ``tests/golden/pdf/<ID>.txt`` hold the model as text; after an
intended change of the layout, rewrite them with

    .venv/bin/python tests/test_pdf_layout.py --update

(or ``SAFETYKB_UPDATE_GOLDEN=1 pytest tests/test_pdf_layout.py``) and review the diff.
"""

from __future__ import annotations

import difflib
import itertools
import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from conftest import FIXTURES, strip_marks  # noqa: E402
from safetykb.config import load_config  # noqa: E402
from safetykb.loader import load_kb  # noqa: E402
from safetykb.model import Document, KnowledgeBase  # noqa: E402
from safetykb.pdf.fonts import find_cjk_font  # noqa: E402
from safetykb.pdf.layout import (  # noqa: E402
    BODY_ROLES,
    FINE_PRINT,
    Block,
    PrintSettings,
    Sheet,
    layout_sheet,
    wrap,
)
from safetykb.rules import default_levels  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "pdf"
KB = FIXTURES / "pdf" / "kb"
EPS = 0.01
UPDATE = os.environ.get("SAFETYKB_UPDATE_GOLDEN") == "1"


def load(root: Path) -> KnowledgeBase:
    return load_kb(root, load_config(root, default_levels()))


def fixture_kb(tmp: Path) -> KnowledgeBase:
    """The printed-sheet fixture knowledge base plus the PR001 fixtures."""
    root = tmp / "kb"
    shutil.copytree(KB, root)
    for path in (FIXTURES / "rules" / "PR001").glob("*.md"):
        (root / "checklists" / path.name).write_text(strip_marks(path.read_text("utf-8"))[0],
                                                     "utf-8")
    return load(root)


def sheets_of(kb: KnowledgeBase) -> list[tuple[Document, Sheet]]:
    have_cjk = find_cjk_font("") is not None
    return [(doc, layout_sheet(doc, kb.config, commit="abc1234", root=kb.root))
            for doc in kb.documents
            if doc.type in ("checklist", "action") and (have_cjk or doc.lang != "zh")]


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Document, Sheet]]:
    return sheets_of(fixture_kb(tmp_path_factory.mktemp("layout")))


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax + aw > bx + EPS and bx + bw > ax + EPS and ay + ah > by + EPS and by + bh > ay + EPS


def text_box(sheet: Sheet, t: object) -> tuple[float, float, float, float]:
    from safetykb.pdf.layout import Text

    assert isinstance(t, Text)
    width = sheet.fonts.width(t.text, t.bold, t.size)
    return (t.x, t.y - 0.2 * t.size, width, t.size)


def _inside(outer: Block, box: tuple[float, float, float, float]) -> bool:
    x, y, w, h = box
    return (x >= outer.x - EPS and y >= outer.y - EPS and x + w <= outer.x + outer.w + EPS
            and y + h <= outer.y + outer.h + EPS)


def test_nothing_crosses_the_margins(sheets: list[tuple[Document, Sheet]]) -> None:
    for doc, sheet in sheets:
        m = sheet.margin
        for page in sheet.pages:
            for b in page.blocks:
                assert b.x >= m - EPS and b.y >= m - EPS, (doc.id, b.kind)
                assert b.x + b.w <= sheet.width - m + EPS, (doc.id, b.kind)
                assert b.y + b.h <= sheet.height - m + EPS, (doc.id, b.kind)


def test_no_blocks_overlap(sheets: list[tuple[Document, Sheet]]) -> None:
    for doc, sheet in sheets:
        for page in sheet.pages:
            for a, b in itertools.combinations(page.blocks, 2):
                assert not _overlap((a.x, a.y, a.w, a.h), (b.x, b.y, b.w, b.h)), \
                    (doc.id, a.kind, b.kind)


def test_every_element_stays_in_its_block_and_texts_do_not_overlap(
        sheets: list[tuple[Document, Sheet]]) -> None:
    for doc, sheet in sheets:
        for page in sheet.pages:
            for b in page.blocks:
                boxes = [text_box(sheet, t) for t in b.texts]
                for t, box in zip(b.texts, boxes, strict=True):
                    assert _inside(b, box), (doc.id, b.kind, t.text)
                for x in b.boxes:
                    assert _inside(b, (x.x, x.y, x.w, x.h)), (doc.id, b.kind, x)
                for r in b.rules:
                    assert _inside(b, (min(r.x1, r.x2), min(r.y1, r.y2), abs(r.x2 - r.x1),
                                       abs(r.y2 - r.y1))), (doc.id, b.kind, r)
                for (t1, b1), (t2, b2) in itertools.combinations(
                        zip(b.texts, boxes, strict=True), 2):
                    assert not _overlap(b1, b2), (doc.id, b.kind, t1.text, t2.text)
                # Tick boxes do not overlap the text either.
                for x in b.boxes:
                    if x.fill is None and not x.role and abs(x.w - x.h) < EPS:
                        assert not any(_overlap((x.x, x.y, x.w, x.h), tb) for tb in boxes), \
                            (doc.id, b.kind)


def test_minimum_font_size_and_line_spacing(sheets: list[tuple[Document, Sheet]]) -> None:
    minimum = PrintSettings().min_font_size
    for doc, sheet in sheets:
        assert sheet.font_size >= minimum
        for page in sheet.pages:
            for b in page.blocks:
                for t in b.texts:
                    assert t.size >= FINE_PRINT, (doc.id, t.text)
                    if t.role in BODY_ROLES:
                        assert t.size >= minimum, (doc.id, t.text, t.size)
                by_column: dict[tuple[float, str], list[float]] = {}
                for t in b.texts:
                    if t.role in BODY_ROLES:
                        by_column.setdefault((t.x, t.role), []).append(t.y)
                for (_, _), ys in by_column.items():
                    for upper, lower in itertools.pairwise(sorted(ys, reverse=True)):
                        assert upper - lower >= 1.3 * sheet.font_size - EPS, doc.id


def test_checklists_are_one_page_or_reported(sheets: list[tuple[Document, Sheet]]) -> None:
    by_id = {doc.id: sheet for doc, sheet in sheets}
    assert by_id["CL-PR1-100"].overflow_lines == 0
    assert len(by_id["CL-PR1-100"].pages) == 1
    assert by_id["CL-PR1-100"].font_size == 12  # fits only at the minimum
    bad = by_id["CL-PR1-001"]
    assert bad.overflow_lines > 0 and bad.font_size == 12  # never shrunk below
    for doc, sheet in sheets:
        if doc.type == "checklist" and doc.id not in ("CL-PR1-001",):
            assert len(sheet.pages) == 1, doc.id
            assert sheet.overflow_lines == 0, doc.id


def test_measuring_matches_drawing(tmp_path: Path) -> None:
    """What the one-page rule measures (no pages made) is what is printed."""
    kb = fixture_kb(tmp_path)
    for doc in kb.documents:
        if doc.type != "checklist" or doc.lang == "zh":
            continue
        measured = layout_sheet(doc, kb.config, root=kb.root, measuring=True)
        drawn = layout_sheet(doc, kb.config, root=kb.root)
        assert measured.pages == []
        assert (measured.overflow_lines, measured.overflow_line) == \
            (drawn.overflow_lines, drawn.overflow_line)


def test_wrap_breaks_at_spaces_cjk_and_inside_only_overlong_words() -> None:
    from safetykb.pdf.fonts import LATIN, FontSet

    text = "alpha beta gamma delta epsilon zeta eta theta"
    lines = wrap(text, 70, LATIN, 12)
    assert " ".join(lines) == text and len(lines) > 2
    for line, after in itertools.pairwise(lines):
        assert LATIN.width(line, False, 12) <= 70
        # Greedy: the next word would not have fitted on the line.
        assert LATIN.width(f"{line} {after.split()[0]}", False, 12) > 70
    long_word = "x" * 40
    parts = wrap(long_word, 60, LATIN, 12)
    assert "".join(parts) == long_word and len(parts) > 1
    assert all(LATIN.width(p, False, 12) <= 60 for p in parts)
    approx = FontSet("Helvetica", "Helvetica-Bold", approximate=True)
    zh = wrap("确认设备防护罩完好有效，急停按钮可用", 10 * 12, approx, 12)
    assert all(approx.width(line, False, 12) <= 120 for line in zh)
    assert not any(line.startswith("，") for line in zh)  # no comma at a line start
    assert "".join(zh) == "确认设备防护罩完好有效，急停按钮可用"


def golden_names(kb: KnowledgeBase) -> list[str]:
    return sorted(d.id for d in kb.documents if d.id and d.type in ("checklist", "action"))


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, "utf-8")
        return
    assert path.exists(), f"no golden file {path}; run tests/test_pdf_layout.py --update"
    expected = path.read_text("utf-8")
    if expected != actual:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            str(path), "actual", n=1))
        pytest.fail(f"layout of {name} changed (run tests/test_pdf_layout.py --update if "
                    f"intended):\n{diff[:6000]}")


WRAP_CHARS = ("aW il.,;:!?)%-/" + "\u00e9\u00c6" + "确认设备防护，。、"
              + " \t\n\xa0\u3000\x1c\u2028\u200b")
WRAP_TEXTS = st.lists(st.one_of(st.text(WRAP_CHARS, max_size=12),
                                st.sampled_from(["x" * 45, "lockout/tagout", "  ", "\n"])),
                      max_size=14).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(WRAP_TEXTS, st.floats(1, 600), st.sampled_from([9.0, 12.0, 13.5]), st.booleans(),
       st.booleans(), st.booleans())
def test_wrap_one_line_shortcut_is_the_word_by_word_wrap(
        text: str, width: float, size: float, bold: bool, approximate: bool,
        at_width: bool) -> None:
    # wrap() returns a text that fits whole without measuring word by word;
    # it must give exactly what the word-by-word wrap gives, at any width,
    # in particular at (and around) the text's own width.
    from safetykb.pdf.fonts import FontSet
    from safetykb.pdf.layout import _wrap_words

    fonts = FontSet("Helvetica", "Helvetica-Bold", approximate=approximate)
    if at_width:
        width = fonts.width(" ".join(text.split()), bold, size) + (width % 3 - 1) * 1e-3
    assert wrap(text, width, fonts, size, bold) == _wrap_words(text, width, fonts, size, bold)


def test_layout_golden_files(sheets: list[tuple[Document, Sheet]]) -> None:
    for doc, sheet in sheets:
        check_golden(doc.id or "", sheet.describe())


if __name__ == "__main__":
    if "--update" not in sys.argv:
        sys.exit("usage: tests/test_pdf_layout.py --update   (rewrites tests/golden/pdf/)")
    import tempfile

    UPDATE = True
    with tempfile.TemporaryDirectory() as tmp:
        for doc, sheet in sheets_of(fixture_kb(Path(tmp))):
            check_golden(doc.id or "", sheet.describe())
            print(f"wrote {GOLDEN / (doc.id or '')}.txt")


@pytest.mark.parametrize("paper", ["A5", "Letter"])
def test_other_papers_hold_the_same_rules(tmp_path: Path, paper: str) -> None:
    kb = fixture_kb(tmp_path)
    config = kb.root / "safetykb.yml"
    config.write_text(config.read_text("utf-8") + f"print:\n  paper: {paper}\n", "utf-8")
    kb = load(kb.root)
    sheets = [(d, s) for d, s in sheets_of(kb) if not (d.id or "").startswith("CL-PR1")]
    assert sheets
    test_nothing_crosses_the_margins(sheets)
    test_no_blocks_overlap(sheets)
    test_every_element_stays_in_its_block_and_texts_do_not_overlap(sheets)
    test_minimum_font_size_and_line_spacing(sheets)
