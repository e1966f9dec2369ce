"""``safetykb import``: every outside document in ../shared/corpora/, a
Word-exported Markdown file and a plain text list become drafts that load,
with the problems left printed as ``path:line:col: level RULE message``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from safetykb.config import load_config
from safetykb.loader import load_kb
from safetykb.model import Document
from safetykb.rules import default_levels

CORPORA = REPO.parent / "shared" / "corpora"
CORPUS = sorted(p for p in CORPORA.rglob("*.md") if p.name != "README.md") \
    if CORPORA.is_dir() else []
PROBLEM = re.compile(r"^[^:]+\.md:\d+:\d+: (error|warning) [A-Z]+\d{3} .+$")
ITEM_SOURCE = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+\S"
                         r"|^\s*[（(][一二三四五六七八九十]+[）)]")
TASK_SOURCE = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s")
CLAUSE_SOURCE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
NUMBER_SOURCE = re.compile(r"^\s*\d{1,3}[.)]\s+\S")


def numbers_beside_bullets(text: str) -> bool:
    """A part of ``text`` (split at headings) with unindented numbered lines
    and bullets both."""
    return any(re.search(r"^\d{1,3}[.)]\s", part, re.M) and re.search(r"^[-*+]\s", part, re.M)
               for part in re.split(r"^#+ .*$", text, flags=re.M))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "safetykb.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    assert run("init", str(root)).returncode == 0
    return root


def strip_header(path: Path) -> str:
    """The corpus content: everything after the header's closing '---' line."""
    return path.read_text("utf-8").split("\n---\n", 1)[1]


def kind_of(path: Path) -> str:
    return "procedure" if path.parent.name == "procedures" else "checklist"


def import_one(kb: Path, source: Path, doc_type: str) -> tuple[Path, Document]:
    """``source`` imported into area GEN of ``kb``: the file written and the
    document as the loader reads it."""
    result = run("import", str(source), "--type", doc_type, "--area", "GEN", "--root", str(kb))
    assert "Traceback" not in result.stderr
    path = imported_docs(kb, result.stdout)[source.name]
    doc = next(d for d in load_kb(kb, load_config(kb, default_levels())).documents
               if d.path == path)
    return path, doc


def imported_docs(kb: Path, stdout: str) -> dict[str, Path]:
    out = {}
    for line in stdout.splitlines():
        match = re.match(r"^([A-Z]+-[A-Z0-9]+-\d{3}) (\S+) <- (.+)$", line)
        if match:
            out[Path(match.group(3)).name] = kb / match.group(2)
    return out


@pytest.mark.skipif(not CORPUS, reason="../shared/corpora is not here")
@pytest.mark.parametrize("source", CORPUS, ids=[p.name for p in CORPUS])
def test_every_corpus_document_imports(source: Path, kb: Path, tmp_path: Path) -> None:
    plain = tmp_path / source.name
    content = strip_header(source)
    plain.write_text(content, "utf-8")
    result = run("import", str(plain), "--type", kind_of(source), "--area", "IMP",
                 "--root", str(kb))
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    written = imported_docs(kb, result.stdout)
    assert list(written) == [plain.name], result.stdout
    path = written[plain.name]
    for line in result.stdout.splitlines()[1:]:
        assert PROBLEM.match(line), line
        assert line.startswith(path.relative_to(kb).as_posix()), line
    doc = next(d for d in load_kb(kb, load_config(kb, default_levels())).documents
               if d.path == path)
    assert doc.fm_ok and doc.status == "draft" and doc.meta["revision"] == 1
    assert not any(re.search(r" (FM|FL|TX)\d{3} ", line) for line in result.stdout.splitlines())
    h1 = re.search(r"^# (.+)$", content, re.M)
    assert h1 is not None and doc.title == h1.group(1).strip()
    if doc.type == "checklist":
        lines = content.splitlines()
        # Tick boxes in the source: only they (and legal clauses) are items,
        # plain bullets are statements. Without: every list line is one,
        # unless numbered lines and bullets stand side by side.
        if any(TASK_SOURCE.match(line) for line in lines):
            wanted = sum(bool(TASK_SOURCE.match(line) or CLAUSE_SOURCE.match(line))
                         for line in lines)
        elif numbers_beside_bullets(content):
            # Numbered checks: the bullets beside them are prompts (NWCG).
            wanted = sum(bool(NUMBER_SOURCE.match(line)) for line in lines)
        else:
            wanted = sum(bool(ITEM_SOURCE.match(line)) for line in lines)
        assert len(doc.items) == wanted
        if any("\u4e00" <= c <= "\u9fff" for c in doc.title):
            assert doc.lang == "zh"


def test_the_whole_corpus_at_once_gets_consecutive_ids(kb: Path, tmp_path: Path) -> None:
    if not CORPUS:
        pytest.skip("../shared/corpora is not here")
    files = []
    for source in CORPUS:
        if kind_of(source) == "checklist":
            files.append(tmp_path / source.name)
            files[-1].write_text(strip_header(source), "utf-8")
    result = run("import", *map(str, files), "--type", "checklist", "--area", "ALL",
                 "--root", str(kb))
    ids = re.findall(r"^(CL-ALL-\d{3}) ", result.stdout, re.M)
    assert ids == [f"CL-ALL-{n:03d}" for n in range(1, len(files) + 1)]


WORD_EXPORT = (
    "\ufeffLock-out before cleaning the mixer\r\n"
    "==================================\r\n"
    "\r\n"
    "Applies to\u00a0the dough mixers on line\u00a02.\u200b\r\n"
    "\r\n"
    "Before cleaning\r\n"
    "---------------\r\n"
    "\r\n"
    "-   Switch the mixer off at the panel\u00a0\r\n"
    "-   Lock the isolator with your own padlock\r\n"
    "\r\n"
    "    -   Hang your tag on the lock\r\n"
    "\r\n"
    "\u2022\tTry the start button: the mixer must not start\r\n"
    "\r\n"
    "After cleaning\r\n"
    "--------------\r\n"
    "\r\n"
    "1.  Remove tools and rags from the bowl\r\n"
    "2.  Remove your lock and tag\r\n")


def test_word_exported_markdown(kb: Path, tmp_path: Path) -> None:
    """What Word + pandoc write: BOM, CRLF, setext headings, '-   ' bullets,
    a bullet character with a tab, no-break and zero-width spaces."""
    source = tmp_path / "Mixer LOTO.md"
    source.write_bytes(WORD_EXPORT.encode("utf-8"))
    result = run("import", str(source), "--type", "checklist", "--area", "MIX",
                 "--root", str(kb))
    assert result.returncode in (0, 1), result.stderr
    path = kb / "checklists/mix/cl-mix-001.md"
    data = path.read_bytes()
    assert b"\r" not in data and "\u00a0".encode() not in data and "\u200b".encode() not in data
    text = data.decode("utf-8")
    assert text.startswith("---\nid: CL-MIX-001\ntitle: \"Lock-out before cleaning the mixer\"\n")
    doc = next(d for d in load_kb(kb, load_config(kb, default_levels())).documents
               if d.path == path)
    assert [s.title for s in doc.sections] == ["Before cleaning", "After cleaning"]
    assert [i.text for i in doc.items] == [
        "Switch the mixer off at the panel", "Lock the isolator with your own padlock",
        "Hang your tag on the lock", "Try the start button: the mixer must not start",
        "Remove tools and rags from the bowl", "Remove your lock and tag"]
    assert "Applies to the dough mixers on line 2." in doc.body
    assert result.returncode == 0, result.stdout  # nothing left to fix


def test_utf16_word_text_and_a_plain_list(kb: Path, tmp_path: Path) -> None:
    listing = tmp_path / "forklift.txt"
    listing.write_bytes("Forklift pre-use check\r\nHorn works\r\nBrakes hold\r\n"
                        "Forks have no cracks\r\n".encode("utf-16"))
    result = run("import", str(listing), "--type", "checklist", "--area", "FLT",
                 "--root", str(kb))
    assert result.returncode in (0, 1), result.stderr
    text = (kb / "checklists/flt/cl-flt-001.md").read_text("utf-8")
    assert 'title: "Forklift pre-use check"' in text
    assert "- [ ] Horn works\n- [ ] Brakes hold\n- [ ] Forks have no cracks\n" in text
    steps = tmp_path / "steps.txt"
    steps.write_text("Jack up the car\nPut stands under the sills\nLower onto the stands\n",
                     "utf-8")
    result = run("import", str(steps), "--type", "action", "--area", "GEN", "--root", str(kb))
    assert "Traceback" not in result.stderr
    action = (kb / "procedures/gen/act-gen-002.md").read_text("utf-8")
    assert "## Steps\n\n1. Put stands under the sills\n2. Lower onto the stands\n" in action


def test_bad_input_is_a_message_and_writes_nothing(kb: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Fine\n\n- item\n", "utf-8")
    latin = tmp_path / "latin.md"
    latin.write_bytes(b"# Title\n\nCaf\xe9 rules\n")
    result = run("import", str(good), str(latin), "--type", "checklist", "--root", str(kb))
    assert result.returncode == 2
    assert f"{latin}:3: not UTF-8" in result.stderr and "Traceback" not in result.stderr
    assert not (kb / "checklists/gen/cl-gen-002.md").exists()
    assert run("import", str(good), "--type", "checklist", "--area", "no way",
               "--root", str(kb)).returncode == 2
    binary = tmp_path / "scan.md"
    binary.write_bytes(b"\x00\x01PNG")
    result = run("import", str(binary), "--type", "checklist", "--root", str(kb))
    assert result.returncode == 2 and "binary" in result.stderr


def test_plain_bullets_stay_bullets_beside_tick_boxes(kb: Path, tmp_path: Path) -> None:
    """A source that has tick boxes keeps its plain bullets (hazard
    statements, notes) as bullets; a bullet that introduces nested checks
    stays a lead-in, also in a source without tick boxes."""
    card = tmp_path / "generator.md"
    card.write_text("# Portable generators\n\n## Major causes of injuries\n\n"
                    "- Shocks from improper use.\n- Carbon monoxide from the exhaust.\n\n"
                    "## Safe work practices\n\n- [ ] Keep the generator dry.\n"
                    "- [ ] Shut it down before refuelling.\n", "utf-8")
    loto = tmp_path / "loto.md"
    loto.write_text("# Lockout\n\n## Checks\n\n- Machinery locked out?\n"
                    "- Where the disconnect does not also disconnect the control circuit:\n"
                    "    - Enclosures identified?\n    - Control circuit locked out?\n",
                    "utf-8")
    result = run("import", str(card), str(loto), "--type", "checklist", "--area", "GEN",
                 "--root", str(kb))
    assert "Traceback" not in result.stderr
    written = imported_docs(kb, result.stdout)
    text = written["generator.md"].read_text("utf-8")
    assert "- Shocks from improper use.\n- Carbon monoxide from the exhaust.\n" in text
    assert "- [ ] Keep the generator dry.\n- [ ] Shut it down before refuelling.\n" in text
    text = written["loto.md"].read_text("utf-8")
    assert ("- [ ] Machinery locked out?\n"
            "- Where the disconnect does not also disconnect the control circuit:\n"
            "    - [ ] Enclosures identified?\n    - [ ] Control circuit locked out?\n") in text


def test_numbered_checks_leave_the_bullets_around_them(kb: Path, tmp_path: Path) -> None:
    """A source that numbers its checks and also has bullets (the questions
    a briefing opens with, "Discussion:" prompts) gets items from its
    numbered lines only; bullets nested under a numbered lead-in are its
    checks. (The NWCG orders in the corpus are written this way.)"""
    source = tmp_path / "orders.md"
    source.write_text("# Orders\n\n- Did you get a briefing?\n\n## Fire behaviour\n\n"
                      "1. Keep informed on the weather.\n2. Know what the fire is doing.\n\n"
                      "Discussion:\n\n- Discuss the need for a lookout.\n\n## Control\n\n"
                      "3. Before you leave the line:\n    - Crew counted.\n    - Tools back.\n"
                      "4. Give clear instructions.\n\n- Review the shift.\n", "utf-8")
    path, doc = import_one(kb, source, "checklist")
    text = path.read_text("utf-8")
    assert "\n- Did you get a briefing?\n" in text
    assert "\n- Discuss the need for a lookout.\n" in text
    assert "\n- Review the shift.\n" in text
    assert [item.text for item in doc.items] == [
        "Keep informed on the weather.", "Know what the fire is doing.",
        "Crew counted.", "Tools back.", "Give clear instructions."]
    assert "3. Before you leave the line:\n    - [ ] Crew counted.\n" in text


def test_a_rule_under_a_paragraph_stays_a_rule(kb: Path, tmp_path: Path) -> None:
    """``---`` under a paragraph (a setext underline to Markdown) becomes a
    thematic break, not a heading made of the paragraph; a heading
    underlined about as long as its text stays a heading."""
    source = tmp_path / "hot-work.md"
    source.write_text("# Hot work\n\nSOURCE: the site's permit rules.\nLICENSE: internal.\n"
                      "---\n\nKIND: a short procedure written by the maintenance team.\n"
                      "---\n\nProcedure\n---------\n\n1. Get the permit.\n"
                      "2. Clear the area.\n", "utf-8")
    _, doc = import_one(kb, source, "procedure")
    assert [title for level, title, _ in doc.headings] == ["Procedure"]
    assert "SOURCE: the site's permit rules." in doc.body
    assert "KIND: a short procedure written by the maintenance team." in doc.body


def test_a_gap_in_the_step_numbers_is_reported(kb: Path, tmp_path: Path) -> None:
    source = tmp_path / "steps.md"
    steps = [f"{n}. Step {n}." for n in (1, 2, 3, 4, 5, 7, 8, 9, 10)]
    source.write_text("# Press changeover\n\n" + "\n".join(steps) + "\n", "utf-8")
    result = run("import", str(source), "--type", "action", "--area", "GEN",
                 "--root", str(kb))
    assert result.returncode == 1
    gap = [line for line in result.stdout.splitlines() if " ST006 " in line]
    assert len(gap) == 1 and "step numbered 7 follows step 5 (no step 6)" in gap[0], \
        result.stdout


def test_a_text_file_opening_with_a_title_line_gives_the_title(kb: Path, tmp_path: Path) -> None:
    """A plain text with a list in it: a short first line above a blank line
    is the title (not the file's name)."""
    source = tmp_path / "hd_action.txt"
    source.write_text("Report a hidden danger found on the shop floor\n\nSteps:\n"
                      "1. Stop and make the area safe.\n   Key point: put up a barrier.\n"
                      "   Hazard: others walking into the danger zone.\n"
                      "2. Report it to the team leader.\n", "utf-8")
    _path, doc = import_one(kb, source, "action")
    assert doc.title == "Report a hidden danger found on the shop floor"
    assert "Report a hidden danger" not in doc.body
    # A list, a sentence or a lead-in that opens the text is no title line:
    # the file's name stays.
    for name, first in (("bare_list", "1. Stop."), ("sentence_first", "Wear ear defenders in "
                        "Zone B. Visitors too."), ("lead_in", "Steps:"),
                        ("zh_sentence", "2024年3月1日起执行本规定。"), ("table", "| Step | Key |")):
        other = tmp_path / f"{name}.txt"
        other.write_text(f"{first}\n\n1. Stop.\n2. Lock off.\n", "utf-8")
        assert import_one(kb, other, "action")[1].title == name.replace("_", " ").capitalize()
