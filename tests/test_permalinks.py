"""Permanent addresses ``id/<ID>/``: where they lead, and that nothing a
document author writes can become HTML in them."""

from __future__ import annotations

import html.parser
import posixpath
import shutil
from pathlib import Path

from conftest import FIXTURES
from safetykb.config import load_config
from safetykb.loader import load_kb
from safetykb.model import KnowledgeBase
from safetykb.permalinks import permalink_pages
from safetykb.rules import default_levels


class Page(html.parser.HTMLParser):
    """The parts of a permanent-address page that matter, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.refresh: str | None = None
        self.links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "meta" and values.get("http-equiv") == "refresh":
            self.refresh = values.get("content")
        if tag == "a":
            self.links.append(values.get("href") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


def load(root: Path) -> KnowledgeBase:
    return load_kb(root, load_config(root, default_levels()))


def target(permalink: str, href: str) -> str:
    """The site path a relative link on ``id/<ID>/index.html`` leads to."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(permalink), href)) + "/"


def test_every_id_leads_to_its_current_page(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURES / "pdf" / "kb", root)
    pages = permalink_pages(load(root))
    path = "id/CL-PRESS-101/index.html"
    page = parse(pages[path])
    assert page.refresh == "0; url=../../checklists/press/cl-press-101/"
    assert target(path, page.links[0]) == "checklists/press/cl-press-101/"
    assert "script" not in page.tags
    assert target("id/ACT-PRESS-101/index.html",
                  parse(pages["id/ACT-PRESS-101/index.html"]).links[0]) == \
        "procedures/actions/act-press-101/"
    # A draft has no published page unless drafts are published (a preview).
    assert "id/CL-TEAM-102/index.html" not in pages
    assert "id/CL-TEAM-102/index.html" in permalink_pages(load(root), drafts=True)


def test_a_moved_document_keeps_its_address(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURES / "pdf" / "kb", root)
    (root / "checklists/moved").mkdir()
    shutil.move(root / "checklists/press/cl-press-101.md", root / "checklists/moved/new-name.md")
    page = parse(permalink_pages(load(root))["id/CL-PRESS-101/index.html"])
    assert target("id/CL-PRESS-101/index.html", page.links[0]) == "checklists/moved/new-name/"


def test_superseded_id_leads_to_its_archive_page_naming_the_successor(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURES / "pdf" / "kb", root)
    path = "id/CL-TEAM-099/index.html"
    page = parse(permalink_pages(load(root))[path])
    assert target(path, page.links[0]) == "checklists/team/cl-team-099/"
    assert page.refresh == "0; url=../../checklists/team/cl-team-099/"
    text = " ".join("".join(page.text).split())
    assert "CL-TEAM-099 is superseded and not in force" in text
    assert "Successor: CL-PRESS-101 Power press pre-shift check" in text
    assert target(path, page.links[1]) == "id/CL-PRESS-101/"


def test_untrusted_values_are_escaped(kb_dir: Path) -> None:
    (kb_dir / "evil.md").write_text(
        "---\nid: CL-EVIL-001\ntitle: '\"><script>alert(1)</script><a href=\"x'\n"
        "type: checklist\nrevision: 1\nstatus: approved\nowner: x\nmode: read-do\n"
        "lang: 'en\"><script>alert(2)</script>'\n---\n\n## Go\n\n- [ ] Go\n", "utf-8")
    (kb_dir / "bad id.md").write_text(
        "---\nid: ../../etc\ntitle: t\ntype: checklist\nrevision: 1\nstatus: approved\n"
        "owner: x\nmode: read-do\n---\n\n## Go\n\n- [ ] Go\n", "utf-8")
    (kb_dir / "odd <path>.md").write_text(
        "---\nid: CL-ODD-001\ntitle: t\ntype: checklist\nrevision: 1\nstatus: approved\n"
        "owner: x\nmode: read-do\n---\n\n## Go\n\n- [ ] Go\n", "utf-8")
    pages = permalink_pages(load(kb_dir))
    assert sorted(pages) == ["id/CL-EVIL-001/index.html", "id/CL-ODD-001/index.html"]
    evil = pages["id/CL-EVIL-001/index.html"]
    assert "<script" not in evil
    assert parse(evil).tags.count("a") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in evil
    odd = parse(pages["id/CL-ODD-001/index.html"])
    assert odd.links == ["../../odd%20%3Cpath%3E/"]
