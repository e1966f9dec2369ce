"""A revision approved ahead of its effective date: until that day the revision
in force is what the site, the register and the printed sheet give, read back
from the built HTML and the PDF of a temporary git repository."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import TODAY, build_kb
from test_history_site import _commit

LATER = TODAY + dt.timedelta(days=10)
CHECKLIST = "checklists/gen/cl-gen-001.md"
PAGE = "checklists/gen/cl-gen-001/index.html"
NEXT_PAGE = "checklists/gen/cl-gen-001.next/index.html"
OLD_ITEM = "Walkways clear"
NEW_ITEM = "Walkways and escape routes clear and marked"


def _set(text: str, key: str, value: str) -> str:
    return re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)


def _init(tmp_path: Path, git: bool = True) -> Path:
    """An ``init`` knowledge base, every sample approved and in force since
    2026-10-01 (committed then when ``git``)."""
    kb = tmp_path / "kb"
    subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(kb)], check=True,
                   capture_output=True)
    config = kb / "safetykb.yml"
    config.write_text(config.read_text("utf-8").replace(
        'site_url: ""', 'site_url: "https://safety.example.com/"'), "utf-8")
    assert "safety.example.com" in config.read_text("utf-8")
    for path in kb.rglob("*.md"):
        if "docs" not in path.parts and ".github" not in path.parts:
            text = path.read_text("utf-8").replace("status: draft", "status: approved")
            path.write_text(_set(text, "effective", "2026-10-01"), "utf-8")
    if git:
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=kb, check=True)
        _commit(kb, "First approved revision", "2026-10-01T09:00:00+00:00")
    return kb


def _raise_revision(kb: Path, effective: dt.date) -> None:
    doc = kb / CHECKLIST
    text = _set(_set(doc.read_text("utf-8"), "revision", "2"), "effective",
                effective.isoformat())
    text = text.replace("---\n\n", 'change_note: "Escape routes added."\n---\n\n', 1)
    doc.write_text(text.replace(f"- [ ] {OLD_ITEM}", f"- [ ] {NEW_ITEM}"), "utf-8")


def _sheet_text(site: Path) -> str:
    pages = PdfReader(site / "print/CL-GEN-001.pdf").pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def approved_ahead_site(tmp_path: Path) -> tuple[Path, Path, str]:
    """Revision 2 of CL-GEN-001 committed on 2026-11-20, to take effect ten
    days after the build's day; the knowledge base, its site, the build log."""
    kb = _init(tmp_path)
    _raise_revision(kb, LATER)
    _commit(kb, "Revision 2, effective later", "2026-11-20T09:00:00+00:00")
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    return kb, tmp_path / "site", result.stdout + result.stderr


@pytest.fixture(scope="module")
def approved_ahead(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    return approved_ahead_site(tmp_path_factory.mktemp("effective"))


def test_the_revision_in_force_is_published_until_the_date(
        approved_ahead: tuple[Path, Path, str]) -> None:
    kb, site, log = approved_ahead
    page = (site / PAGE).read_text("utf-8")
    assert OLD_ITEM in page and NEW_ITEM not in page
    notice = re.search(r'<p class="skb-banner skb-banner-next"[^>]*>(.*?)</p>', page, re.S)
    assert notice, "no notice of the coming revision on the page in force"
    assert f"takes effect on {LATER}" in notice.group(1)
    assert 'href="../cl-gen-001.next/"' in notice.group(1)
    history = re.search(r'<details class="skb-history">.*?</details>', page, re.S)
    assert history and f"Escape routes added. <strong class=\"skb-takes-effect\">Takes " \
        f"effect on {LATER}.</strong>" in history.group(0)
    # The header block is the revision in force's.
    assert re.search(r'skb-field-revision"><dt>Revision</dt><dd>1</dd>', page), page[:3000]
    assert f"revision 2 takes effect on {LATER}" in log

    upcoming = (site / NEXT_PAGE).read_text("utf-8")
    assert NEW_ITEM in upcoming
    banner = re.search(r'<p class="skb-banner skb-banner-upcoming"[^>]*>(.*?)</p>', upcoming,
                       re.S)
    assert banner and f"takes effect on {LATER}" in banner.group(1)
    assert 'href="../cl-gen-001/"' in banner.group(1)
    # It comes first, above the title line.
    assert upcoming.index("skb-banner-upcoming") < upcoming.index('class="skb-titleline"')
    assert re.search(r"<title>CL-GEN-001 [^<]*\(not yet in force\)", upcoming)
    assert "print/CL-GEN-001.pdf" not in upcoming


def test_register_sitemap_and_sheet_give_the_revision_in_force(
        approved_ahead: tuple[Path, Path, str]) -> None:
    kb, site, _log = approved_ahead
    register = subprocess.run([sys.executable, "-m", "safetykb.cli", "register", "--format",
                               "json", "--root", str(kb)], capture_output=True, text=True,
                              check=True, env={"SAFETYKB_TODAY": TODAY.isoformat(),
                                               "PATH": "/usr/bin:/bin"})
    rows = {row["id"]: row for row in json.loads(register.stdout)}
    assert str(rows["CL-GEN-001"]["revision"]) == "1"
    assert rows["CL-GEN-001"]["effective"] == "2026-10-01"
    assert rows["CL-GEN-001"]["next_revision"] == "2"
    assert rows["CL-GEN-001"]["next_effective"] == LATER.isoformat()
    assert rows["PROC-GEN-001"]["next_revision"] == rows["PROC-GEN-001"]["next_effective"] == ""
    page = (site / "reference/register/index.html").read_text("utf-8")
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "CL-GEN-001" in r)
    assert re.search(rf'skb-col-revision"[^>]*>1 <small class="skb-next-revision">\(2 from '
                     rf'{LATER}\)</small>', row), row
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert "cl-gen-001.next" not in sitemap
    assert "https://safety.example.com/checklists/gen/cl-gen-001/" in sitemap
    text = _sheet_text(site)
    assert OLD_ITEM in text and "escape routes" not in text
    changed = (site / "what-changed/index.html").read_text("utf-8")
    row = next(r for r in re.findall(r"<tr>.*?</tr>", changed, re.S) if "CL-GEN-001" in r)
    assert "Escape routes added." in row and f"Takes effect on {LATER}." in row
    assert 'href="../checklists/gen/cl-gen-001.next/"' in row  # the revision it names
    feed = (site / "feed.xml").read_text("utf-8")
    assert f"Escape routes added. Takes effect on {LATER}." in feed
    # The permanent address leads to the revision in force.
    permalink = (site / "id/CL-GEN-001/index.html").read_text("utf-8")
    assert 'href="../../checklists/gen/cl-gen-001/"' in permalink


def test_on_the_date_the_approved_revision_is_in_force(tmp_path: Path) -> None:
    kb = _init(tmp_path)
    _raise_revision(kb, LATER)
    _commit(kb, "Revision 2, effective later", "2026-11-20T09:00:00+00:00")
    result = build_kb(kb, tmp_path / "site", LATER)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / PAGE).read_text("utf-8")
    assert NEW_ITEM in page and "skb-banner-next" not in page
    # Its page of before (linked from notices and bookmarks) now leads to it.
    moved = (tmp_path / "site" / NEXT_PAGE).read_text("utf-8")
    assert f"Revision 2 of CL-GEN-001 is in force since {LATER}:" in moved
    assert 'href="../cl-gen-001/"' in moved and NEW_ITEM not in moved
    assert "cl-gen-001.next" not in (tmp_path / "site/sitemap.xml").read_text("utf-8")
    assert "escape routes" in _sheet_text(tmp_path / "site")


def test_an_uncommitted_revision_approved_ahead_is_not_in_force(tmp_path: Path) -> None:
    """Before it is committed (a preview, a build of a working tree) git has
    revision 1; the page publishes that one."""
    kb = _init(tmp_path)
    _raise_revision(kb, LATER)
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    assert OLD_ITEM in (tmp_path / "site" / PAGE).read_text("utf-8")


@pytest.mark.parametrize("git", [True, False], ids=["first-revision", "no-git"])
def test_with_no_revision_in_force_the_document_is_not_listed(tmp_path: Path,
                                                              git: bool) -> None:
    """A first revision approved ahead (or any, outside git): published with
    the banner, but not in the register, the navigation or print."""
    kb = _init(tmp_path, git=git)
    doc = kb / CHECKLIST
    doc.write_text(_set(doc.read_text("utf-8"), "effective", LATER.isoformat()), "utf-8")
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / PAGE).read_text("utf-8")
    banner = re.search(r'<p class="skb-banner skb-banner-upcoming"[^>]*>(.*?)</p>', page, re.S)
    assert banner and f"takes effect on {LATER}; do not use it before then" in banner.group(1)
    assert not (tmp_path / "site/print/CL-GEN-001.pdf").exists()
    register = (tmp_path / "site/reference/register/index.html").read_text("utf-8")
    assert "CL-GEN-001" not in register and "PROC-GEN-001" in register
    home = (tmp_path / "site/index.html").read_text("utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', home, re.S)
    assert nav and "cl-gen-001/" not in nav.group(0)
    permalink = (tmp_path / "site/id/CL-GEN-001/index.html").read_text("utf-8")
    assert f"takes effect only on {LATER}" in permalink
    log = result.stdout + result.stderr
    assert f"revision 1 takes effect on {LATER}" in log
    assert ("outside git no earlier revision can be read" if not git
            else "git has no earlier approved revision in force") in log
    assert "warning: checklists/gen/cl-gen-001.md: CL-GEN-001 revision 1 takes effect" in log


def test_a_shallow_clone_cannot_tell_the_revision_in_force(tmp_path: Path) -> None:
    """In a shallow clone git has no earlier revision: the approved one is not
    published as in force; the build says why."""
    kb = _init(tmp_path)
    _raise_revision(kb, LATER)
    _commit(kb, "Revision 2, effective later", "2026-11-20T09:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{kb}", str(clone)],
                   check=True)
    result = build_kb(clone, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / PAGE).read_text("utf-8")
    assert NEW_ITEM in page and "do not use it before then" in page
    assert not (tmp_path / "site/print/CL-GEN-001.pdf").exists()
    assert "shallow clone" in result.stdout + result.stderr


def test_the_revision_in_force_is_checked_too(tmp_path: Path) -> None:
    """The revision read back from git is published, so it is checked, with
    today's rules; what they find is said in the build's log (it cannot be
    edited: it is history)."""
    kb = _init(tmp_path, git=False)
    doc = kb / CHECKLIST
    doc.write_text(doc.read_text("utf-8").replace(f"- [ ] {OLD_ITEM}\n",
                                                  f"- [ ] {OLD_ITEM}   \n"), "utf-8")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=kb, check=True)
    _commit(kb, "First approved revision", "2026-10-01T09:00:00+00:00")
    _raise_revision(kb, LATER)
    _commit(kb, "Revision 2, effective later", "2026-11-20T09:00:00+00:00")
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    log = result.stdout + result.stderr
    assert re.search(rf"{CHECKLIST}:\d+:\d+: warning TX002 \(revision 1, in force until "
                     rf"{LATER}; read it with git show [0-9a-f]{{10}}:{CHECKLIST}\)", log), log


def test_an_index_document_approved_ahead_links_from_beside_its_page(tmp_path: Path) -> None:
    """``a/index.md`` is published at ``a/``: its approved revision goes to
    ``a.next/``, at the same depth, so the links of its body still resolve."""
    kb = _init(tmp_path, git=False)
    (kb / CHECKLIST).rename(kb / "checklists/gen/index.md")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=kb, check=True)
    _commit(kb, "First approved revision", "2026-10-01T09:00:00+00:00")
    doc = kb / "checklists/gen/index.md"
    text = _set(_set(doc.read_text("utf-8"), "revision", "2"), "effective", LATER.isoformat())
    doc.write_text(text.replace("---\n\n", 'change_note: "Escape routes added."\n---\n\n'
                                "See [the procedure](../../procedures/gen/proc-gen-001.md).\n\n",
                                1), "utf-8")
    _commit(kb, "Revision 2, effective later", "2026-11-20T09:00:00+00:00")
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    upcoming = (tmp_path / "site/checklists/gen.next/index.html").read_text("utf-8")
    assert 'href="../../procedures/gen/proc-gen-001/"' in upcoming
    assert 'href="../gen/"' in upcoming  # back to the revision in force
    page = (tmp_path / "site/checklists/gen/index.html").read_text("utf-8")
    assert 'href="../gen.next/"' in page


def test_printing_a_first_revision_ahead_by_name_marks_it_not_in_force(tmp_path: Path) -> None:
    kb = _init(tmp_path)
    doc = kb / CHECKLIST
    doc.write_text(_set(doc.read_text("utf-8"), "effective", LATER.isoformat()), "utf-8")
    out = tmp_path / "pdf"
    result = subprocess.run([sys.executable, "-m", "safetykb.cli", "pdf", "CL-GEN-001", "-o",
                             str(out), "--root", str(kb), "--today", TODAY.isoformat()],
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning: checklists/gen/cl-gen-001.md: CL-GEN-001 revision 1 takes effect" \
        in result.stderr
    text = " ".join(PdfReader(out / "CL-GEN-001.pdf").pages[0].extract_text().split())
    assert f"NOT YET IN FORCE — {LATER}" in text


def test_the_revision_in_force_is_checked_among_the_others(tmp_path: Path) -> None:
    """Links and references of the revision read back from git are checked
    against today's documents (a link to a file deleted since)."""
    kb = _init(tmp_path, git=False)
    (kb / "checklists/gen/note.md").write_text("Not a document.\n", "utf-8")
    doc = kb / CHECKLIST
    doc.write_text(doc.read_text("utf-8").replace("## Before start", "See [the note](note.md).\n"
                                                  "\n## Before start", 1), "utf-8")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=kb, check=True)
    _commit(kb, "First approved revision", "2026-10-01T09:00:00+00:00")
    (kb / "checklists/gen/note.md").unlink()
    _raise_revision(kb, LATER)
    doc.write_text(doc.read_text("utf-8").replace("See [the note](note.md).\n", ""), "utf-8")
    _commit(kb, "Revision 2, effective later", "2026-11-20T09:00:00+00:00")
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    assert re.search(rf"{CHECKLIST}:\d+:\d+: error LK003 \(revision 1, in force until {LATER}",
                     result.stdout + result.stderr), result.stderr


def test_a_renamed_file_finds_its_revision_in_force(tmp_path: Path) -> None:
    """The revision in force is read under the name the file had then: here
    it was renamed in the commit that raised its revision."""
    kb = _init(tmp_path)
    _raise_revision(kb, LATER)
    subprocess.run(["git", "mv", CHECKLIST, "checklists/gen/pre-shift.md"], cwd=kb, check=True)
    _commit(kb, "Revision 2, effective later, renamed", "2026-11-20T09:00:00+00:00")
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/checklists/gen/pre-shift/index.html").read_text("utf-8")
    assert OLD_ITEM in page and NEW_ITEM not in page and "skb-banner-next" in page


def test_two_revisions_approved_ahead_one_after_the_other(tmp_path: Path) -> None:
    """Revision 2 approved ahead and now in force, revision 3 approved ahead:
    x.next/ is revision 3's page (not the note that revision 2 is in force)."""
    kb = _init(tmp_path)
    _raise_revision(kb, TODAY - dt.timedelta(days=2))
    _commit(kb, "Revision 2, effective two days before the build", "2026-11-20T09:00:00+00:00")
    doc = kb / CHECKLIST
    text = _set(_set(doc.read_text("utf-8"), "revision", "3"), "effective", LATER.isoformat())
    doc.write_text(_set(text, "change_note", '"Marking added."').replace(
        NEW_ITEM, NEW_ITEM + " and lit"), "utf-8")
    _commit(kb, "Revision 3, effective later", "2026-11-25T09:00:00+00:00")
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / PAGE).read_text("utf-8")
    assert NEW_ITEM in page and f"{NEW_ITEM} and lit" not in page
    assert f"{NEW_ITEM} and lit" in (tmp_path / "site" / NEXT_PAGE).read_text("utf-8")
