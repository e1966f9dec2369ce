"""Printed sheets, end to end: real PDFs written by the code under test, read
back with pypdf, rendered with pdfium and their QR codes decoded with zxing.

The knowledge base is ``tests/fixtures/pdf/kb`` (copied per test): English
read-do and inspection checklists, a Chinese checklist, an action, a draft and
a superseded checklist.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import FIXTURES
from safetykb.config import load_config
from safetykb.loader import load_kb
from safetykb.model import KnowledgeBase
from safetykb.pdf import FontError, publish_sheets, sheet_href
from safetykb.pdf.fonts import find_cjk_font
from safetykb.pdf.layout import PAPERS, layout_sheet
from safetykb.pdf.render import render_sheet
from safetykb.rules import default_levels

KB = FIXTURES / "pdf" / "kb"
SITE = "https://kb.example.com/safety/"
needs_cjk = pytest.mark.skipif(find_cjk_font("") is None,
                               reason="no CJK font: apt-get install fonts-wqy-microhei")


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(KB, root)
    return root


def load(root: Path) -> KnowledgeBase:
    return load_kb(root, load_config(root, default_levels()))


def text_of(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    """Text without whitespace: wrapped lines compare equal to the source."""
    return re.sub(r"\s+", "", text)


def sheet_pdf(kb: KnowledgeBase, doc_id: str, **kwargs: object) -> bytes:
    doc = kb.by_id()[doc_id]
    return render_sheet(layout_sheet(doc, kb.config, root=kb.root, **kwargs))  # type: ignore[arg-type]


@needs_cjk  # the knowledge base holds a Chinese checklist
def test_publish_writes_approved_checklists_and_actions_only(kb_root: Path,
                                                            tmp_path: Path) -> None:
    kb = load(kb_root)
    out = tmp_path / "site"
    written = publish_sheets(kb, out, commit="abc1234")
    assert written == {
        "CL-PRESS-101": "print/CL-PRESS-101.pdf", "CL-PRESS-102": "print/CL-PRESS-102.pdf",
        "CL-TEAM-101": "print/CL-TEAM-101.pdf", "ACT-PRESS-101": "print/ACT-PRESS-101.pdf",
    }
    assert sorted(p.name for p in (out / "print").iterdir()) == sorted(
        Path(p).name for p in written.values())
    by_id = kb.by_id()
    assert sheet_href(by_id["CL-PRESS-101"]) == "print/CL-PRESS-101.pdf"
    assert sheet_href(by_id["ACT-PRESS-101"]) == "print/ACT-PRESS-101.pdf"
    for never in ("CL-TEAM-102", "CL-TEAM-099"):  # draft, superseded
        assert sheet_href(by_id[never]) is None
        assert never not in written


@needs_cjk  # the knowledge base holds a Chinese checklist
def test_english_checklist_reads_back(kb_root: Path, tmp_path: Path) -> None:
    kb = load(kb_root)
    publish_sheets(kb, tmp_path, commit="abc1234")
    data = (tmp_path / "print" / "CL-PRESS-101.pdf").read_bytes()
    pages, text = text_of(data)
    assert pages == 1
    assert len(data) <= 60_000
    doc = kb.by_id()["CL-PRESS-101"]
    flat = squash(text)
    for needle in ("Power press pre-shift check", "ID: CL-PRESS-101", "Revision: 3",
                   "Effective: 2026-05-01", "Status: approved", "Mode: do-confirm",
                   "Workstation: Press line 2", "Owner: Press Shop",
                   "Before start", "After shutdown", "Name", "Supervisor", "Shift / team"):
        assert squash(needle) in flat, needle
    for item in doc.items:
        assert squash(item.text) in flat, item.text
    # Critical items carry the word, not only a colour or weight.
    assert squash("CRITICAL: Check the light curtain") in flat
    # Footer: id, revision, commit, the uncontrolled notice with the permanent address.
    assert "CL-PRESS-101 · Revision 3 · Build abc1234 · Page 1 of 1" in text
    assert squash(f"Uncontrolled when printed: check the current revision at "
                  f"{SITE}id/CL-PRESS-101/") in flat


def test_inspection_sheet_has_answer_boxes_and_hidden_danger_box(kb_root: Path) -> None:
    kb = load(kb_root)
    sheet = layout_sheet(kb.by_id()["CL-PRESS-102"], kb.config, root=kb_root)
    kinds = [b.kind for b in sheet.pages[0].blocks]
    assert "dangers" in kinds and kinds.index("dangers") < kinds.index("signoff")
    items = [b for b in sheet.pages[0].blocks if b.kind == "item"]
    assert len(items) == 5
    # Yes / No / N/A and no tick box besides: three squares per item, in the
    # answer columns right of the text.
    for b in items:
        squares = [x for x in b.boxes if abs(x.w - x.h) < 0.01 and x.fill is None
                   and not x.role]
        assert len(squares) == 3
        assert all(x.x > max(t.x for t in b.texts) for x in squares)
    assert all(b.rules for b in items)  # the finding line
    pages, text = text_of(render_sheet(sheet))
    assert pages == 1
    for word in ("Yes", "No", "N/A", "Finding / action:", "Hidden dangers found"):
        assert word in text


@needs_cjk
def test_chinese_checklist_reads_back(kb_root: Path, tmp_path: Path) -> None:
    kb = load(kb_root)
    publish_sheets(kb, tmp_path, commit="abc1234")
    data = (tmp_path / "print" / "CL-TEAM-101.pdf").read_bytes()
    pages, text = text_of(data)
    assert pages == 1
    assert len(data) <= 300_000
    flat = squash(text)
    for needle in ("班前安全检查表", "编号", "CL-TEAM-101", "版次", "上岗前", "开工前",
                   "【关键】确认设备防护罩", "班组长签字", "第1页，共1页"):
        assert squash(needle) in flat, needle
    for item in kb.by_id()["CL-TEAM-101"].items:
        assert squash(item.text) in flat, item.text
    assert squash(f"打印件为非受控文件：请在 {SITE}id/CL-TEAM-101/ 核对现行版次") in flat
    # The font is embedded as a subset, not the whole 5 MB file.
    fonts = {str(f) for page in PdfReader(io.BytesIO(data)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert fonts


def test_chinese_without_font_is_a_clear_error(kb_root: Path, tmp_path: Path) -> None:
    config = kb_root / "safetykb.yml"
    config.write_text(config.read_text("utf-8") + "print:\n  cjk_font: fonts/none.ttf\n",
                      "utf-8")
    kb = load(kb_root)
    with pytest.raises(FontError) as info:
        publish_sheets(kb, tmp_path, commit=None)
    message = str(info.value)
    assert "checklists/team/cl-team-101.md" in message
    assert "print.cjk_font" in message and "fonts-wqy-microhei" in message


def test_action_job_card_reads_back(kb_root: Path) -> None:
    kb = load(kb_root)
    pages, text = text_of(sheet_pdf(kb, "ACT-PRESS-101", commit="abc1234"))
    assert pages == 1
    flat = squash(text)
    for needle in ("STANDARDISED ACTION - JOB CARD", "Change a die on a power press",
                   "ID: ACT-PRESS-101", "Revision: 2", "Key point", "Hazard",
                   "Wait until the flywheel has stopped turning.",
                   "A running flywheel drives the ram down.",
                   "Fit the safety block between the ram and the bolster.",
                   "Prohibited actions", "Never remove another person's lock.",
                   "ACT-PRESS-101 · Revision 2 · Build abc1234"):
        assert squash(needle) in flat, needle
    # Key point and hazard of a step stand side by side: same baseline.
    sheet = layout_sheet(kb.by_id()["ACT-PRESS-101"], kb.config, root=kb.root)
    step = next(b for b in sheet.pages[0].blocks if b.kind == "step")
    first = max(t.y for t in step.texts)
    # Number, step, key point and hazard each start a column on the same line.
    assert len({round(t.x) for t in step.texts if t.y == first}) == 4


def test_long_action_continues_with_header_repeated(kb_root: Path) -> None:
    path = kb_root / "procedures/actions/act-press-101.md"
    text = path.read_text("utf-8")
    steps = "".join(
        f"{n}. Step number {n}: do the prescribed thing carefully and completely.\n"
        f"    - Key point: The key point of step {n}, written out at some length here.\n"
        f"    - Hazard: The hazard of step {n}, also written out at some length.\n"
        for n in range(1, 31))
    path.write_text(re.sub(r"## Steps\n\n.*?\n\n## Prohibited", f"## Steps\n\n{steps}\n"
                           "## Prohibited", text, flags=re.S), "utf-8")
    kb = load(kb_root)
    data = sheet_pdf(kb, "ACT-PRESS-101")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, 1):
        page_text = page.extract_text()
        assert "Change a die on a power press" in page_text
        if "Step number" in page_text:
            assert "Key point" in page_text  # the table head, repeated
        assert f"Page {number} of {len(reader.pages)}" in page_text
    flat = squash("\n".join(p.extract_text() for p in reader.pages))
    for n in range(1, 31):
        assert squash(f"The hazard of step {n}, also written out at some length.") in flat


def test_qr_code_decodes_to_the_permanent_address(kb_root: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    kb = load(kb_root)
    pdf = pdfium.PdfDocument(sheet_pdf(kb, "CL-PRESS-101"))
    image = pdf[0].render(scale=3).to_pil()
    found = [r.text for r in zxingcpp.read_barcodes(image)]
    assert found == [f"{SITE}id/CL-PRESS-101/"]


def test_without_site_url_the_footer_has_no_address_and_there_is_no_qr(kb_root: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    (kb_root / "safetykb.yml").write_text("extends: default\n", "utf-8")
    kb = load(kb_root)
    data = sheet_pdf(kb, "CL-PRESS-101")
    _, text = text_of(data)
    footer = " ".join(text.split())
    assert "check the current revision on the knowledge-base site" in footer
    # Nothing the reader of a posted sheet could act on.
    assert "safetykb.yml" not in footer and "site_url" not in footer
    assert "http" not in text
    image = pdfium.PdfDocument(data)[0].render(scale=3).to_pil()
    assert zxingcpp.read_barcodes(image) == []


@pytest.mark.parametrize(("doc_id", "mark"), [("CL-TEAM-102", "DRAFT"),
                                              ("CL-TEAM-099", "SUPERSEDED — DO NOT USE")])
def test_not_approved_sheets_carry_a_watermark(kb_root: Path, doc_id: str, mark: str) -> None:
    kb = load(kb_root)
    sheet = layout_sheet(kb.by_id()[doc_id], kb.config, root=kb.root)
    assert sheet.watermark == mark
    _, text = text_of(render_sheet(sheet))
    assert mark in text
    approved = layout_sheet(kb.by_id()["CL-PRESS-101"], kb.config, root=kb.root)
    assert approved.watermark is None


@pytest.mark.parametrize("paper", ["A4", "A5", "Letter"])
def test_paper_size_is_configurable(kb_root: Path, paper: str) -> None:
    config = kb_root / "safetykb.yml"
    config.write_text(config.read_text("utf-8") + f"print:\n  paper: {paper}\n", "utf-8")
    kb = load(kb_root)
    reader = PdfReader(io.BytesIO(sheet_pdf(kb, "CL-PRESS-101")))
    box = reader.pages[0].mediabox
    width, height = PAPERS[paper.upper()]
    assert (round(float(box.width)), round(float(box.height))) == (round(width), round(height))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "safetykb.cli", "pdf", *args],
                          capture_output=True, text=True)


@needs_cjk  # the knowledge base holds a Chinese checklist
def test_cli_prints_approved_sheets_and_named_drafts(kb_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("--root", str(kb_root), "-o", str(out))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert "CL-PRESS-101.pdf" in names and "ACT-PRESS-101.pdf" in names
    assert "CL-TEAM-102.pdf" not in names and "CL-TEAM-099.pdf" not in names
    result = run_cli("--root", str(kb_root), "-o", str(out), "CL-TEAM-102")
    assert result.returncode == 0, result.stderr
    assert "DRAFT" in text_of((out / "CL-TEAM-102.pdf").read_bytes())[1]


def test_cli_usage_errors_exit_2(kb_root: Path, tmp_path: Path) -> None:
    assert run_cli("--root", str(kb_root), "-o", str(tmp_path), "CL-NOPE-001").returncode == 2
    (kb_root / "safetykb.yml").write_text("extends: default\nprint:\n  paper: A3\n", "utf-8")
    result = run_cli("--root", str(kb_root), "-o", str(tmp_path))
    assert result.returncode == 2
    assert "print.paper" in result.stderr


def test_cli_overflowing_checklist_exits_1_and_writes_nothing(kb_root: Path,
                                                              tmp_path: Path) -> None:
    """A draft is printed when named, but not one that does not fit its page."""
    shutil.copy(FIXTURES / "rules/PR001/bad-overflow.md", kb_root / "checklists/press/")
    text = (kb_root / "checklists/press/bad-overflow.md").read_text("utf-8")
    (kb_root / "checklists/press/bad-overflow.md").write_text(text.replace(" {PR001}", ""),
                                                              "utf-8")
    out = tmp_path / "out"
    result = run_cli("--root", str(kb_root), "-o", str(out), "CL-PR1-001")
    assert result.returncode == 1
    assert re.search(r"bad-overflow\.md:\d+:1: error PR001 .*bad-overflow\.md .* "
                     r"\d+ line\(s\) over; not printed", result.stderr), result.stderr
    assert result.stderr.count("error PR001") == 1, result.stderr
    assert not (out / "CL-PR1-001.pdf").exists()


def test_cli_prints_no_sheet_of_a_document_with_errors(kb_root: Path, tmp_path: Path) -> None:
    """What is printed is what is checked: an approved document with an error
    (here: required fields missing, and too long for its page) is not printed,
    its problems listed as `safetykb check` lists them; the other sheets are;
    no pack is written without it."""
    shutil.copy(FIXTURES / "rules/PR001/bad-overflow.md", kb_root / "checklists/press/")
    text = (kb_root / "checklists/press/bad-overflow.md").read_text("utf-8")
    (kb_root / "checklists/press/bad-overflow.md").write_text(
        text.replace(" {PR001}", "").replace("status: draft", "status: approved"), "utf-8")
    out = tmp_path / "out"
    result = run_cli("--root", str(kb_root), "-o", str(out), "CL-PR1-001", "CL-PRESS-101")
    assert result.returncode == 1
    assert "checklists/press/bad-overflow.md:1:1: error FM003 field 'approved_by' is " \
        "missing" in result.stderr, result.stderr
    assert re.search(r"bad-overflow\.md:\d+:1: error PR001 .* lines over", result.stderr)
    assert "checklists/press/bad-overflow.md: not printed: " in result.stderr
    assert not (out / "CL-PR1-001.pdf").exists()
    assert (out / "CL-PRESS-101.pdf").is_file()
    packs = tmp_path / "packs"
    result = run_cli("--root", str(kb_root), "-o", str(packs), "--pack", "workstation")
    assert result.returncode == 1
    assert "no pack was written" in result.stderr
    assert not packs.exists() or not any(packs.iterdir())


@needs_cjk  # the knowledge base holds a Chinese checklist
def test_cli_workstation_packs(kb_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "packs"
    result = run_cli("--root", str(kb_root), "-o", str(out), "--pack", "workstation")
    assert result.returncode == 0, result.stderr
    packs = sorted(out.iterdir())
    press = [p for p in packs if "press-line-2" in p.name]
    assert len(press) == 1
    reader = PdfReader(press[0])
    # Cover page, then CL-PRESS-101 and CL-PRESS-102 (one page each); never the
    # draft CL-TEAM-102 or the superseded CL-TEAM-099 of the same workstation.
    assert len(reader.pages) == 3
    cover = reader.pages[0].extract_text()
    assert "Press line 2" in cover
    assert "CL-PRESS-101" in cover and "CL-PRESS-102" in cover
    assert "CL-TEAM-102" not in cover and "CL-TEAM-099" not in cover
    assert "Power press pre-shift check" in reader.pages[1].extract_text()
    # A Chinese workstation keeps its name in the file name.
    team = [p for p in packs if "冲压二线班组看板" in p.name]
    assert len(team) == 1 and team[0].name.startswith("pack-workstation-"), packs
    if find_cjk_font("") is not None:
        # Its sheets are Chinese: so is its cover, in an English knowledge base.
        cover = PdfReader(team[0]).pages[0].extract_text()
        assert "打印包" in cover and "PRINT PACK" not in cover, cover
        assert "PRINT PACK" in reader.pages[0].extract_text()
    # Approved checklists with no workstation are named, not left out in silence.
    (kb_root / "checklists/press/cl-press-101.md").write_text(re.sub(
        r"^workstation: .*\n", "", (kb_root / "checklists/press/cl-press-101.md").read_text(
            "utf-8"), flags=re.M), "utf-8")
    result = run_cli("--root", str(kb_root), "-o", str(tmp_path / "packs2"), "--pack",
                     "workstation")
    assert "1 approved checklist(s) name no workstation and are in no pack: CL-PRESS-101 (" \
        in result.stderr, result.stderr
    result = run_cli("--root", str(kb_root), "-o", str(out), "--pack", "area")
    assert result.returncode == 0, result.stderr
    assert any("pack-area-press" in p.name for p in out.iterdir())
    assert "in no pack" not in result.stdout + result.stderr  # every sheet has an area


@needs_cjk  # the knowledge base holds a Chinese checklist
def test_background_publishing_gives_paths_at_once_and_files_after_wait(
        kb_root: Path, tmp_path: Path) -> None:
    from safetykb.pdf import start_publishing

    kb = load(kb_root)
    pending = start_publishing(kb, tmp_path / "site", commit="abc1234")
    assert pending.paths == publish_sheets(kb, tmp_path / "again", commit="abc1234")
    assert pending.wait() == pending.paths
    for path in pending.paths.values():
        assert PdfReader(tmp_path / "site" / path).pages


def test_background_publishing_reports_a_missing_font(kb_root: Path, tmp_path: Path) -> None:
    from safetykb.pdf import start_publishing

    config = kb_root / "safetykb.yml"
    config.write_text(config.read_text("utf-8") + "print:\n  cjk_font: fonts/none.ttf\n",
                      "utf-8")
    pending = start_publishing(load(kb_root), tmp_path, commit=None)
    with pytest.raises(FontError, match="fonts-wqy-microhei"):
        pending.wait()


NEW_USER = FIXTURES / "pdf" / "new-user"


def test_sheet_keeps_everything_before_the_first_pause_point() -> None:
    """Lead-ins, plain bullets and ``###`` headings before the first ``##``
    (and ``###`` headings inside a pause point) are printed, in order."""
    kb = load(NEW_USER)
    _, text = text_of(sheet_pdf(kb, "CL-GEN-001"))
    flat = squash(text)
    order = ["Machinery locked out during cleaning",
             "Where the disconnect does not also disconnect the control circuit:",
             "Electrical enclosures identified", "Plain note before the pauses",
             "Isolation", "Isolator locked in the off position", "Before start",
             "Guards closed", "Electrical", "Control circuit locked out"]
    at = 0
    for needle in order:
        found = flat.find(squash(needle), at)
        assert found >= 0, f"{needle!r} missing or out of order"
        at = found + len(squash(needle))


def test_job_card_reads_key_points_and_hazards_on_indented_lines() -> None:
    """``Key point:`` / ``Hazard:`` lines indented under a step (in its own
    paragraph, bold or not, or as nested bullets) fill their columns."""
    kb = load(NEW_USER)
    sheet = layout_sheet(kb.by_id()["ACT-GEN-001"], kb.config, root=kb.root)
    rows = [b for page in sheet.pages for b in page.blocks if b.kind == "step"]
    columns = sorted({round(t.x) for t in rows[0].texts})
    assert len(columns) == 4
    cells = []
    for block in rows:
        cells.append([" ".join(t.text for t in sorted(block.texts, key=lambda t: -t.y)
                               if round(t.x) == x) for x in columns])
    assert [c[1:] for c in cells] == [
        ["Stop the machine with the normal stop button.",
         "Wait until every moving part has come to rest.",
         "Parts running on after the stop."],
        ["Fit your personal lock and tag.", "One lock per person working on the machine.",
         "Someone switching the isolator back on."],
        ["Press the start button to test that the machine does not start.",
         "Return the button to off after the test.", "A wrong isolator switched off."]]


def test_page_starts_a_line_where_the_job_card_starts_a_column() -> None:
    """``Key point:`` / ``Hazard:`` lines indented under a step are one
    paragraph to Markdown: the page breaks the line before each, as the card
    puts each in its column (continuation lines stay soft)."""
    from safetykb.render import document_html

    kb = load(NEW_USER)
    page = document_html(kb.by_id()["ACT-GEN-001"], kb).html
    assert ("Stop the machine with the normal stop button.<br>\n"
            "Key point: wait until every moving part has come to rest.<br>\n"
            "Hazard: parts running on after the stop.</li>") in page
    assert ("<strong>Key point:</strong> one lock per person\nworking on the machine.<br>\n"
            "<strong>Hazard:</strong>") in page


def test_a_hard_break_in_a_step_keeps_the_label_lines_apart(tmp_path: Path) -> None:
    from safetykb.render import document_html

    shutil.copytree(NEW_USER, tmp_path / "kb")
    path = tmp_path / "kb/procedures/actions/act-gen-001.md"
    text = path.read_text("utf-8")
    assert "1. Stop the machine with the normal stop button.\n" in text
    path.write_text(text.replace("1. Stop the machine with the normal stop button.\n",
                                 "1. Stop the machine  \n   with the normal stop button.\n"),
                    "utf-8")
    kb = load(tmp_path / "kb")
    page = document_html(kb.by_id()["ACT-GEN-001"], kb).html
    assert ("with the normal stop button.<br>\nKey point: wait until every moving part has "
            "come to rest.<br>\nHazard:") in page, page[:800]


def test_a_checklist_without_workstation_prints_no_workstation_line(tmp_path: Path) -> None:
    """``workstation`` is optional: a sheet without one leaves the line out
    (it printed "Workstation: -")."""
    shutil.copytree(NEW_USER, tmp_path / "kb")
    _, without = text_of(sheet_pdf(load(tmp_path / "kb"), "CL-GEN-001"))
    assert "Workstation" not in without and "Owner" in without
    path = tmp_path / "kb/checklists/gen/cl-gen-001.md"
    path.write_text(path.read_text("utf-8").replace("---\n\n", "workstation: Press 4\n---\n\n", 1),
                    "utf-8")
    _, posted = text_of(sheet_pdf(load(tmp_path / "kb"), "CL-GEN-001"))
    assert "Workstation" in posted and "Press 4" in posted


def test_job_card_keeps_nested_bullets_of_a_step_on_lines_of_their_own(
        tmp_path: Path) -> None:
    """Bullets under a step that are neither key point nor hazard stand each
    on its own line under the step text, after a bullet, as on the page
    (they were run into one line with the step)."""
    shutil.copytree(NEW_USER, tmp_path / "kb")
    path = tmp_path / "kb/procedures/actions/act-gen-001.md"
    path.write_text(path.read_text("utf-8").replace(
        "3. Press the start button to test that the machine does not start.\n",
        "3. Press the start button to test that the machine does not start.\n"
        "    - Watch the spindle.\n    - Listen for the motor.\n\n"
        "    Stand clear of the chuck.\n"), "utf-8")
    kb = load(tmp_path / "kb")
    sheet = layout_sheet(kb.by_id()["ACT-GEN-001"], kb.config, root=kb.root)
    last = [b for page in sheet.pages for b in page.blocks if b.kind == "step"][-1]
    column = sorted({round(t.x) for t in last.texts})[1]
    lines = [t.text for t in sorted(last.texts, key=lambda t: -t.y) if round(t.x) == column]
    # (A paragraph under the step: a line of its own, without a bullet.)
    assert lines[-3:] == ["\u2022 Watch the spindle.", "\u2022 Listen for the motor.",
                          "Stand clear of the chuck."], lines
    key_column = sorted({round(t.x) for t in last.texts})[2]
    assert " ".join(t.text for t in sorted(last.texts, key=lambda t: -t.y)
                    if round(t.x) == key_column) == "Return the button to off after the test."


def test_pack_file_names_keep_chinese_and_never_collide() -> None:
    from safetykb.pdf.packs import pack_filename

    names = [pack_filename("area", key) for key in
             ("冲压车间", "焊接车间", "Press line 2", "press-line-2", "../../etc", "。。")]
    assert len(set(names)) == len(names)
    assert "冲压车间" in names[0] and "焊接车间" in names[1]
    assert all(re.fullmatch(r"pack-area-[\w-]+-[0-9a-f]{6}\.pdf", n) for n in names), names
    assert names[4].startswith("pack-area-etc-") and names[5].startswith("pack-area-pack-")
