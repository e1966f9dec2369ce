"""Tag pages (area, workstation, hazard) and the register, as published.

The knowledge base is ``fixtures/tags-kb``: hazards and workstations with
hostile values (``<script>``, quotes, ``../``, markup), Chinese values, one
hazard written three ways ("Moving ram", "moving-ram", "moving   RAM"), a
folder and a workstation called *index*, and a draft, a superseded and a
withdrawn document whose own values must not get a page. It is built once
with ``safetykb build --today``; the published HTML is read back.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

from conftest import FIXTURES, build_kb
from safetykb.config import load_config
from safetykb.current import is_listed
from safetykb.loader import load_kb
from safetykb.model import Document
from safetykb.tags import RESERVED, TagIndex, tag_key, tag_slug

TAGS_KB = FIXTURES / "tags-kb"
ARCHIVED = {"procedures/press/proc-press-000", "procedures/yard/proc-yard-001"}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HOSTILE = ['<script>alert("x")</script>', "../../etc/passwd", 'Press "line" 2 <b>&amp;</b>',
           "机械伤害", "冲压二线", "Index", "README", "", "a" * 200, "Ünïcödé ram", "..",
           "/", "%2e%2e", "CON", "x/y\\z"]


class _Page(HTMLParser):
    """Links (href, rel, text), the ids of a document table and the h1."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self.ids: list[str] = []
        self.h1 = ""
        self._link: list[str] | None = None
        self._in_id = self._in_h1 = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a":
            self._link = [a.get("href") or "", a.get("rel") or "", ""]
        elif tag == "td" and "skb-col-id" in (a.get("class") or ""):
            self._in_id = True
            self.ids.append("")
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], self._link[1], self._link[2]))
            self._link = None
        elif tag == "td":
            self._in_id = False
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link[2] += data
        if self._in_id:
            self.ids[-1] += data.strip()
        if self._in_h1:
            self.h1 += data


def _read(site: Path, url: str) -> _Page:
    return _Page((site / url / "index.html").read_text("utf-8"))


def _slug(value: str) -> str:
    return tag_slug(tag_key(value))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tags-site") / "site"
    result = build_kb(TAGS_KB, out)
    assert result.returncode == 0, result.stderr
    return out


# --- slugs -------------------------------------------------------------------


def test_plain_values_are_their_own_slug() -> None:
    assert _slug("press") == "press"
    assert _slug("hidden-danger") == "hidden-danger"
    assert _slug("Moving ram") == _slug("moving-ram") == _slug(" moving   RAM ") == "moving-ram"


@pytest.mark.parametrize("value", HOSTILE)
def test_slugs_are_url_safe_stable_and_never_an_index(value: str) -> None:
    slug = _slug(value)
    assert SLUG.fullmatch(slug), slug
    assert slug not in RESERVED and len(slug) <= 60
    assert _slug(value) == slug  # depends on the value alone


def test_different_values_get_different_slugs() -> None:
    slugs = {_slug(v) for v in HOSTILE}
    keys = {tag_key(v) for v in HOSTILE}
    assert len(slugs) == len(keys)


def _doc(doc_id: str, hazards: list[str], relpath: str = "procedures/press/x.md",
         status: str = "approved") -> Document:
    return Document(Path(relpath), relpath, "", {"id": doc_id, "title": doc_id, "type": "procedure",
                                                 "status": status, "hazards": hazards},
                    fm_ok=True)


def test_a_slug_two_values_share_is_lengthened_for_the_hashed_one() -> None:
    hashed = _slug("ABC!")  # "abc-" and a hash
    docs = [_doc("PROC-A-001", ["ABC!"]), _doc("PROC-A-002", [hashed])]
    tags = TagIndex(docs, is_listed).tags["hazard"]
    assert tags[tag_key(hashed)].slug == hashed  # the plain value keeps its slug
    longer = tags[tag_key("ABC!")].slug
    assert longer != hashed and longer.startswith(hashed) and SLUG.fullmatch(longer)


def test_labels_follow_the_language() -> None:
    docs = [_doc("PROC-A-001", ["机械伤害"])]
    titles = {uri: title for uri, title, _ in TagIndex(docs, is_listed).pages("zh")}
    assert titles["reference/hazards.md"] == "危险"
    assert titles[f"reference/hazards/{_slug('机械伤害')}.md"] == "危险：机械伤害"
    assert titles["reference/areas/press.md"] == "区域：Press"
    body = dict((u, b) for u, _, b in TagIndex(docs, is_listed).pages("zh"))
    assert "编号" in body[f"reference/hazards/{_slug('机械伤害')}.md"]()


def test_drafts_are_listed_only_where_drafts_are_shown() -> None:
    kb = load_kb(TAGS_KB, load_config(TAGS_KB))
    published = TagIndex(kb.documents, is_listed).tags["hazard"]
    preview = TagIndex(kb.documents, lambda d: is_listed(d, drafts=True)).tags["hazard"]
    assert "draft-only-hazard" not in published and "draft-only-hazard" in preview
    assert "PROC-PRESS-002" in [d.id for d in preview["moving-ram"].docs]
    assert "PROC-PRESS-002" not in [d.id for d in published["moving-ram"].docs]


# --- the built site ------------------------------------------------------------


def test_a_tag_page_lists_the_documents_in_force_with_the_value(site: Path) -> None:
    page = _read(site, "reference/hazards/moving-ram")
    assert page.h1 == "Hazard: Moving ram"
    assert page.ids == ["CL-PRESS-010", "PROC-PRESS-001", "PROC-YARD-002"]
    for href, _, text in page.links:
        if text in page.ids:  # each id links to its document's page
            target = unquote(urljoin("/reference/hazards/moving-ram/", href)).strip("/")
            assert (site / target / "index.html").is_file(), href
    area = _read(site, "reference/areas/press")
    assert area.ids == ["CL-PRESS-010", "CL-PRESS-011", "PROC-PRESS-001"]


def _tag_pages(site: Path) -> list[Path]:
    return [p for folder in ("areas", "hazards", "workstations", "register")
            for p in (site / "reference" / folder).rglob("index.html")]


def test_values_of_unlisted_documents_get_no_page(site: Path) -> None:
    text = "".join(p.read_text("utf-8") for p in _tag_pages(site))
    for value in ("Archived-only", "Draft-only", "Withdrawn-only", "PROC-PRESS-000",
                  "PROC-PRESS-002", "PROC-YARD-001"):
        assert value not in text, value
    assert not (site / "reference/hazards/draft-only-hazard").exists()


def test_hostile_values_are_escaped_and_stay_inside_the_site(site: Path) -> None:
    for path in _tag_pages(site):
        text = path.read_text("utf-8")
        assert "<script>alert" not in text and "<b>&amp;</b>" not in text, path
    hazards = (site / "reference/hazards/index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in hazards
    for folder in ("areas", "hazards", "workstations"):
        for sub in (site / "reference" / folder).iterdir():
            if sub.name == "index.html":
                continue
            assert SLUG.fullmatch(sub.name) and (sub / "index.html").is_file(), sub
    quoted = HOSTILE[2]
    odd = _read(site, "reference/workstations/" + _slug(quoted))
    assert odd.h1 == f"Workstation: {quoted}" and odd.ids == ["CL-PRESS-010"]


def test_chinese_values_and_an_index_value_get_their_own_pages(site: Path) -> None:
    page = _read(site, f"reference/hazards/{_slug('机械伤害')}")
    assert page.h1 == "Hazard: 机械伤害" and page.ids == ["CL-PRESS-011", "PROC-PRESS-001"]
    station = _read(site, f"reference/workstations/{_slug('冲压二线')}")
    assert station.ids == ["CL-PRESS-011"]
    # A workstation and a folder called "index" do not replace the facet indexes.
    assert _read(site, f"reference/workstations/{_slug('Index')}").ids == ["CL-IDX-001"]
    assert _read(site, f"reference/areas/{_slug('index')}").ids == ["CL-IDX-001"]
    assert _read(site, "reference/workstations").h1 == "Workstations"
    assert _read(site, "reference/areas").h1 == "Areas"


def _document_pages(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix()
                  for folder in ("procedures", "checklists")
                  for p in (site / folder).rglob("index.html"))


def test_header_links_lead_to_tag_pages_that_list_the_document(site: Path) -> None:
    seen = 0
    for url in _document_pages(site):
        page = _read(site, url)
        for href, rel, text in page.links:
            if rel != "tag":
                continue
            target = unquote(urljoin(f"/{url}/", href)).strip("/")
            assert target.startswith("reference/"), (url, href)
            listed = _read(site, target)
            back = {unquote(urljoin(f"/{target}/", h)).strip("/") for h, _, _ in listed.links}
            if url not in ARCHIVED:  # listed nowhere
                assert url in back, (url, href, text)
            seen += 1
    assert seen >= 15
    grind = _read(site, "procedures/press/proc-press-001")
    tagged = {text for _, rel, text in grind.links if rel == "tag"}
    assert tagged == {"Press", "Moving ram", '<script>alert("x")</script>', "../../etc/passwd",
                      "机械伤害"}
    old = _read(site, "procedures/press/proc-press-000")
    assert {text for _, rel, text in old.links if rel == "tag"} == {"Press", "Moving ram"}


def test_the_register_lists_documents_in_force_with_dates(site: Path) -> None:
    text = (site / "reference/register/index.html").read_text("utf-8")
    page = _Page(text)
    assert page.ids == ["CL-IDX-001", "CL-PRESS-010", "CL-PRESS-011", "PROC-PRESS-001",
                        "PROC-YARD-002"]
    assert re.search(r'<th scope="col" class="skb-col-id" aria-sort="ascending">Id</th>', text)
    assert 'class="skb-col-effective" data-label="Effective">2026-03-01</td>' in text
    assert 'class="skb-col-title" data-label="Title" lang="zh">冲压二线班前检查</td>' in text
    assert {"area", "workstation", "hazard", "archive"} <= {t for _, _, t in page.links}


def test_a_document_at_a_generated_address_stops_the_build(tmp_path: Path) -> None:
    """A document filed where the build puts a generated page (here the
    hazards index) would have been replaced by it without a word: the build
    stops naming the document, and publishes nothing."""
    kb = tmp_path / "kb"
    shutil.copytree(TAGS_KB, kb)
    config = kb / "safetykb.yml"
    config.write_text(config.read_text("utf-8").replace(
        "content_dirs: [procedures, checklists]",
        "content_dirs: [procedures, checklists, reference]"), "utf-8")
    (kb / "reference").mkdir()
    source = (kb / "procedures/yard/proc-yard-002.md").read_text("utf-8")
    (kb / "reference/hazards.md").write_text(source.replace("PROC-YARD-002", "PROC-YARD-009"),
                                              "utf-8")
    result = build_kb(kb, tmp_path / "site")
    assert result.returncode != 0
    assert "reference/hazards.md: its page would be published at reference/hazards/" \
        in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(("relpath", "content_dirs", "area"), [
    ("procedures/press/x.md", ["procedures", "checklists"], "press"),
    ("procedures/x.md", ["procedures"], None),
    ("kb/procedures/press/x.md", ["kb/procedures"], "press"),
    ("press/x.md", ["."], "press"),
    ("x.md", ["."], None),
    ("procedures/hd/sub/x.md", ["procedures"], "hd"),
    ("procedures/hd/x.md", [".", "procedures"], "hd"),
    ("procedures/hd/x.md", ["./procedures/"], "hd"),
])
def test_the_area_is_the_folder_under_the_content_folder(
        relpath: str, content_dirs: list[str], area: str | None) -> None:
    from safetykb.loader import content_dir_of

    doc = Document(path=Path(relpath), relpath=relpath, text="",
                   content_dir=content_dir_of(relpath, content_dirs))
    assert doc.area == area


def test_an_area_no_listed_document_is_in_keeps_its_name_in_the_header() -> None:
    """A superseded document alone in its area has no tag page to link to;
    its header still names the area as the navigation does."""
    from safetykb.render import header_block

    doc = _doc("PROC-PRESS-009", [], relpath="procedures/press/proc-press-009.md",
               status="superseded")
    tags = TagIndex([doc], is_listed, {"press": "冲压车间"})
    assert tags.page("area", "press") is None
    html = header_block(doc, "en", lambda _: None, tag_page=tags.page,
                        area_name=tags.area_name)
    assert "冲压车间" in html and ">Press<" not in html
