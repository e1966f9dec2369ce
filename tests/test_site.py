"""The repository's own site, built for real with MkDocs and Material."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from conftest import search_records
from safetykb.markdown import slugify
from safetykb.rules import REGISTRY


@pytest.fixture
def site(repo_site: Path) -> Path:
    return repo_site


def page(site: Path, uri: str) -> str:
    return (site / uri / "index.html").read_text("utf-8")


def search_index(site: Path) -> list[dict[str, str]]:
    """The Pagefind records as location, title and text."""
    return [{"location": str(r["url"]).lstrip("/"), "title": str(r["meta"].get("title", "")),
             "text": str(r["content"])} for r in search_records(site)]


def test_procedure_page_shows_its_header_block(site: Path) -> None:
    html = page(site, "procedures/hidden-danger/proc-hd-001")
    header = re.search(r'<dl class="skb-header".*?</dl>', html, re.S)
    assert header, "no header block"
    text = re.sub(r"<[^>]+>", " ", header.group(0))
    for label, value in [("ID", "PROC-HD-001"), ("Revision", "2"), ("Status", "approved"),
                         ("Owner", ""), ("Effective", "2026-"), ("Review due", "2027-")]:
        assert label in text and value in text, (label, value)
    assert 'href="https://git.example.com/safety-dept/safetykb/edit/main/procedures/' \
           'hidden-danger/proc-hd-001.md"' in html


def test_checklist_renders_pause_points_and_critical_items(site: Path) -> None:
    html = page(site, "checklists/press/cl-press-001")
    assert html.count('class="skb-critical"') >= 1
    assert 'class="task-list-item"' in html
    assert "(!)" not in re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    zh = page(site, "checklists/team/cl-hd-001")
    assert "编号" in zh and "关键" in zh


def test_archived_documents_are_out_of_search_and_navigation(site: Path) -> None:
    archived = "procedures/hidden-danger/proc-saf-001/"
    # Only the id-only record that leads an old print-out's id to the archive.
    found = [d for d in search_index(site) if d["location"].startswith(archived)]
    assert [d["text"].rstrip(".") for d in found] == ["PROC-SAF-001"], found
    home = page(site, "")
    assert archived not in home, "archived document in the navigation"
    html = page(site, archived.rstrip("/"))
    assert "skb-banner-superseded" in html
    assert re.search(r'Use <a href="[^"]*proc-hd-001/?"', html), "banner names no successor"
    archive = page(site, "reference/archive")
    assert "PROC-SAF-001" in archive
    register = page(site, "reference/register")
    assert "PROC-SAF-001" not in register and "PROC-HD-001" in register


def test_search_index_finds_documents_by_id_in_both_languages(site: Path) -> None:
    docs = search_index(site)
    text = " ".join(d["text"] + d["title"] for d in docs)
    for doc_id in ("PROC-HD-001", "ACT-LOTO-001", "CL-PRESS-001", "PROC-TRN-001"):
        assert doc_id in text, doc_id
    assert "隐患" in text


def test_rule_reference_is_generated_from_the_registry(site: Path) -> None:
    html = page(site, "for-authors/rules")
    # The whole summary (the docstring's first paragraph, however many lines
    # it takes) follows the default level, in the same paragraph.
    paragraphs = [" ".join(unescape(re.sub(r"<[^>]+>", "", p)).split())
                  for p in re.findall(r"<p>(<em>Default level:.*?)</p>", html, re.S)]
    assert len(paragraphs) == len(REGISTRY)
    for rule, shown in zip(REGISTRY.values(), paragraphs, strict=True):
        assert f'id="{slugify(rule.id + " " + rule.name)}"' in html, rule.id
        summary = " ".join(rule.doc.split("\n\n", 1)[0].replace("`", "").split())
        assert shown == f"Default level: {rule.level}. {summary}", rule.id


def test_no_request_leaves_the_site(site: Path) -> None:
    for path in site.rglob("*.html"):
        html = path.read_text("utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html):
            ref = re.search(r'(?:src|href)="([^"]+)"', tag)
            if ref and "rel=\"canonical\"" not in tag:
                assert not re.match(r"^(https?:)?//", ref.group(1)), (path, tag)


def test_front_matter_schema_and_feed_are_published(site: Path) -> None:
    from safetykb.schema import json_schema

    assert json.loads((site / "schema/front-matter.json").read_text("utf-8")) == json_schema()
    import xml.etree.ElementTree as ET

    assert ET.fromstring((site / "feed.xml").read_bytes()).tag.endswith("feed")


def test_pagefind_site_has_no_lunr_index_but_a_search_box(site: Path) -> None:
    # Pagefind serves the search: Material's lunr index is not built (it would
    # never be read), yet every page keeps the search box in its header.
    assert not (site / "search" / "search_index.json").exists()
    for uri in ("", "procedures/hidden-danger/proc-hd-001", "reference/register"):
        html = page(site, uri)
        header = html[html.index('<header class="md-header'):html.index("</header>")]
        assert 'class="md-header__button md-icon" for="__search"' in header, uri
        assert 'id="skb-search-input"' in header and "data-skb-search=" in header, uri


def test_area_folders_are_named_in_the_navigation(tmp_path: Path) -> None:
    """Area folders show the name ``areas:`` gives them, or a short code in
    capitals ("HD", not MkDocs' "Hd"); other folders keep MkDocs' title."""
    import subprocess
    import sys

    from conftest import build_kb

    kb = tmp_path / "kb"
    subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(kb)], check=True,
                   capture_output=True)
    with (kb / "safetykb.yml").open("a", encoding="utf-8") as config:
        config.write("site:\n  drafts: true\nareas:\n  PRESS: 冲压车间\n")
    sample = (kb / "procedures/gen/proc-gen-001.md").read_text("utf-8")
    for folder, doc_id in (("hd", "PROC-HD-001"), ("press", "PROC-PRESS-001"),
                           ("lockout", "PROC-LOTO-001")):
        (kb / "procedures" / folder).mkdir()
        (kb / "procedures" / folder / f"{doc_id.lower()}.md").write_text(
            sample.replace("PROC-GEN-001", doc_id), "utf-8")
    result = build_kb(kb, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "site/index.html").read_text("utf-8")
    titles = {" ".join(t.split()) for t in
              re.findall(r'<span class="md-ellipsis">(.*?)</span>', home, re.S)}
    assert {"HD", "冲压车间", "Lockout", "General"} <= titles, titles
    assert "Hd" not in titles and "Press" not in titles
    # The header block and the tag pages name each area as the navigation does.
    for folder, doc_id, name in (("hd", "proc-hd-001", "HD"),
                                 ("press", "proc-press-001", "冲压车间"),
                                 ("gen", "proc-gen-001", "General")):
        html = (tmp_path / f"site/procedures/{folder}/{doc_id}/index.html").read_text("utf-8")
        area = re.search(r'skb-field-area.*?<dd>(.*?)</dd>', html, re.S)
        assert area is not None and re.sub(r"<[^>]+>", "", area.group(1)) == name, doc_id
    areas = (tmp_path / "site/reference/areas/index.html").read_text("utf-8")
    listed = {re.sub(r"<[^>]+>", "", t) for t in
              re.findall(r'<li><a href="[^"]*">(.*?)</a>', areas)}
    assert {"HD", "冲压车间", "General"} <= listed, listed


def test_a_page_of_docs_where_the_knowledge_base_publishes_stops_the_build(
        tmp_path: Path) -> None:
    """docs/what-changed/index.md would be published at what-changed/, where
    the build puts "What changed": one would silently replace the other."""
    import subprocess
    import sys

    from conftest import build_kb

    kb = tmp_path / "kb"
    subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(kb)], check=True,
                   capture_output=True)
    (kb / "docs/what-changed").mkdir()
    (kb / "docs/what-changed/index.md").write_text("# Our own list\n", "utf-8")
    result = build_kb(kb, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/what-changed/index.md would be published where the knowledge base " \
        "publishes what-changed.md" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_for_authors_comes_after_the_plant_sections(site: Path) -> None:
    """MkDocs orders folders by name ("for-authors" between "checklists" and
    "procedures"); the plugin puts the authors' section last, and the
    previous/next links follow."""
    html = page(site, "for-authors/rules")
    nav = html[html.index('class="md-nav md-nav--primary"'):]
    top = re.findall(r'<li class="md-nav__item[^"]*md-nav__item--section[^"]*"[^>]*>\s*'
                     r'(?:<input[^>]*>\s*)?<label[^>]*>\s*(?:<span[^>]*>)?\s*([^<\n]+?)\s*<',
                     nav)
    assert top and top[-1] == "For authors", top
    # The page before the rule reference is no longer a checklist.
    before = re.search(r'aria-label="Previous: ([^"]*)"', html)
    assert before and not before.group(1).startswith("CL-"), before


def test_interface_in_the_page_language(site: Path) -> None:
    """Material's labels follow the page: a Chinese document on an English
    site has a Chinese search box and previous/next links."""
    chinese = english = 0
    for path in sorted(site.glob("procedures/**/index.html")):
        html = path.read_text("utf-8")
        lang = re.search(r'<html lang="([^"]*)"', html)
        assert lang, path
        placeholder = re.search(r'id="skb-search-input"[^>]*placeholder="([^"]*)"', html) \
            or re.search(r'placeholder="([^"]*)"', html)
        assert placeholder, path
        if lang.group(1) == "zh":
            chinese += 1
            assert placeholder.group(1) == "搜索", path
        elif lang.group(1) == "en":
            english += 1
            assert placeholder.group(1) == "Search", path
    assert chinese and english, (chinese, english)


def test_palette_switch_only_when_there_is_a_choice(repo_site: Path, tmp_path: Path) -> None:
    """One palette (init's mkdocs.yml): no palette form, whose invisible radio
    button was a Tab stop. Two (one for the system's dark mode, no toggle):
    the form, which Material reads to follow the system."""
    import shutil

    from conftest import SITE_KB, build_kb

    page = (repo_site / "checklists/press/cl-press-001/index.html").read_text("utf-8")
    assert 'name="__palette"' not in page
    root = tmp_path / "kb"
    shutil.copytree(SITE_KB, root)
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    one = "  palette:\n    - scheme: default\n      primary: red\n      accent: amber\n"
    assert one in text
    config.write_text(text.replace(one, (
        "  palette:\n"
        '    - media: "(prefers-color-scheme: light)"\n      scheme: default\n'
        '    - media: "(prefers-color-scheme: dark)"\n      scheme: slate\n')), "utf-8")
    result = build_kb(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/checklists/press/cl-press-001/index.html").read_text("utf-8")
    assert 'id="__palette_0"' in page and 'id="__palette_1"' in page
