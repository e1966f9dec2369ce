"""Real checklists from outside the project, imported as a user would: a fresh
``safetykb init`` knowledge base, the text copied in with front matter added,
then ``safetykb pdf``; the sheets are read back like our own.

The corpora (``../shared/corpora/checklists/``, US federal public-domain
texts) start with a provenance header ending at a ``---`` line; the user
copies what follows it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO

CORPORA = REPO.parent / "shared" / "corpora" / "checklists"
CASES = [
    ("03_osha_lockout_tagout_self_inspection.md", "CL-LOTO-201", "inspection",
     "Lockout/Tagout procedures self-inspection", "Maintenance workshop"),
    ("04_osha_quickcard_portable_generator_safety.md", "CL-GEN-201", "do-confirm",
     "Portable generator safety", "Generator bay"),
]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "safetykb.cli", *args], capture_output=True,
                          text=True)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def import_checklist(source: Path, root: Path, doc_id: str, mode: str, title: str,
                     workstation: str) -> tuple[Path, list[str]]:
    """Copy the checklist below the provenance header, put front matter on it
    and make the edits `safetykb check` asks for before approval (a sheet is
    printed only from a document that passes it)."""
    body = source.read_text("utf-8").split("\n---\n", 1)[1]
    if not re.search(r"^## ", body, re.M):
        # The contract wants pause points (CL001): one heading after the title.
        body = re.sub(r"^(# .+\n)", r"\1\n## Self-inspection\n", body, count=1, flags=re.M)
    # The title is the front matter's (ST005), and a heading with no items
    # to tick is background, not a pause point (CL002): a bold lead-in.
    body = re.sub(r"^# .+\n", "", body, count=1, flags=re.M)
    sections = re.split(r"(?m)^(?=## )", body)
    body = "".join(part if not part.startswith("## ") or "- [ ]" in part
                   else re.sub(r"^## (.+)$", r"**\1**", part, count=1, flags=re.M)
                   for part in sections)
    front = (f"---\nid: {doc_id}\ntitle: {title}\ntype: checklist\nrevision: 1\n"
             "status: approved\nowner: Safety Department\nauthor: Safety engineer\n"
             "approved_by: Plant manager\neffective: 2026-06-01\nreview_due: 2027-06-01\n"
             f"mode: {mode}\nworkstation: {workstation}\n---\n")
    target = root / "checklists" / "imported" / f"{doc_id.lower()}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(front + body, "utf-8")
    items = [m.group(1) for m in re.finditer(r"^\s*- \[ \] (.+)$", body, re.M)]
    return target, items


@pytest.mark.skipif(not CORPORA.is_dir(), reason="no ../shared/corpora/checklists")
def test_imported_checklists_print_and_read_back(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    assert cli("init", str(root)).returncode == 0
    (root / "safetykb.yml").write_text(
        (root / "safetykb.yml").read_text("utf-8").replace(
            'site_url: ""', "site_url: https://safety.example.org/kb/"), "utf-8")
    expected: dict[str, list[str]] = {}
    for name, doc_id, mode, title, workstation in CASES:
        _, items = import_checklist(CORPORA / name, root, doc_id, mode, title, workstation)
        assert items
        expected[doc_id] = items
    checked = cli("check", "--root", str(root))
    assert checked.returncode == 0, checked.stdout
    out = tmp_path / "print"
    result = cli("pdf", "--root", str(root), "-o", str(out))
    assert result.returncode == 0, result.stderr
    for name, doc_id, _, title, _ in CASES:
        reader = PdfReader(out / f"{doc_id}.pdf")
        assert len(reader.pages) == 1, name
        text = reader.pages[0].extract_text()
        flat = squash(text)
        assert squash(title) in flat
        assert squash(f"ID: {doc_id}") in flat and squash("Revision: 1") in flat
        for item in expected[doc_id]:
            assert squash(item) in flat, item
        assert f"{doc_id} · Revision 1" in text
        assert squash(f"Uncontrolled when printed: check the current revision at "
                      f"https://safety.example.org/kb/id/{doc_id}/") in flat
    lead_in = ("Where the power disconnecting means for equipment does not also disconnect "
               "the electrical control circuit:")
    assert squash(lead_in) in squash(PdfReader(out / "CL-LOTO-201.pdf").pages[0].extract_text())
    # The sample documents of `safetykb init` print too (drafts: only when named,
    # with the watermark).
    result = cli("pdf", "--root", str(root), "-o", str(out), "CL-GEN-001", "ACT-GEN-001")
    assert result.returncode == 0, result.stderr
    for doc_id in ("CL-GEN-001", "ACT-GEN-001"):
        page = PdfReader(out / f"{doc_id}.pdf").pages[0].extract_text()
        assert doc_id in page
