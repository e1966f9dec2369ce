"""The built site in a real browser: Debian's Chromium driven by Playwright.

Skipped only outside CI when Chromium is not installed (scripts/test-setup.sh
installs it); in CI (CI=true) a missing browser is a failure. The site is the
search knowledge base of ``browser_support`` (the frozen fixture plus an
action and a checklist with hazards and PPE, and a withdrawn procedure).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import (
    build_search_site,
    launch,
    require_chromium,
    search,
    serve,
)
from conftest import FIXTURES, SITE_KB, build_kb

pytestmark = pytest.mark.browser
require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_search_site(tmp_path_factory.mktemp("browser-site"))


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch() as instance:
        yield instance


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A phone-sized tab; every request it makes is recorded."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    yield tab, requests
    context.close()


def test_finds_a_document_by_its_id(page: Page, base_url: str) -> None:
    page.goto(base_url)
    page.locator("#skb-search-input").click()
    assert search(page, "PROC-HD-001")[0].endswith("/proc-hd-001/")


def test_finds_a_chinese_document_by_chinese_words(page: Page, base_url: str) -> None:
    page.goto(base_url)
    page.locator("#skb-search-input").click()
    assert any("proc-trn-001" in h for h in search(page, "培训"))


def test_archived_document_is_not_found(page: Page, base_url: str) -> None:
    page.goto(base_url)
    page.locator("#skb-search-input").click()
    assert not any("proc-saf-001" in h for h in search(page, "rectification"))


@pytest.mark.parametrize(("uri", "first"), [
    ("checklists/press/cl-press-001/", "ul.contains-task-list > li"),
    ("checklists/team/cl-hd-001/", "ul.contains-task-list > li"),
    ("checklists/lockout/cl-loto-001/", "ul.contains-task-list > li"),
    ("checklists/grinding/cl-grind-001/", "ul.contains-task-list > li"),
    ("procedures/actions/act-loto-001/", "h2#steps + ol > li"),
    ("procedures/actions/act-grind-001/", "h2#steps + ol > li"),
    ("procedures/site/act-site-001/", "h2#steps ~ ol > li"),
])
def test_first_item_is_visible_without_scrolling_on_a_phone(
        phone: tuple[Page, list[str]], base_url: str, uri: str, first: str,
        tmp_path: Path) -> None:
    tab, requests = phone
    tab.goto(base_url + uri)
    tab.wait_for_load_state("networkidle")
    item = tab.locator(f"article {first}").first
    expect(item).to_be_visible()
    box = item.bounding_box()
    assert box is not None
    # Its first line is on the screen: the top of the item within the viewport.
    assert box["y"] + 24 <= PHONE["height"], (uri, box)
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The compact grid is two columns on a phone.
    cols = tab.evaluate("getComputedStyle(document.querySelector('dl.skb-header'))"
                        ".gridTemplateColumns.split(' ').length")
    assert cols == 2
    tab.screenshot(path=str(tmp_path / "phone.png"))
    outside = [u for u in requests if not u.startswith(base_url)]
    assert not outside, outside


_ANSWER_LAYOUT = """() => {
  const rows = [...document.querySelectorAll('article li.skb-q')].map(li => {
    const boxes = li.querySelector(':scope > .skb-answers');
    const text = document.createRange();
    text.setStartAfter(boxes);
    text.setEndAfter(li.lastChild);
    const cells = [...boxes.children].map(b => b.getBoundingClientRect());
    return {text: text.getBoundingClientRect().right, boxes: boxes.getBoundingClientRect().left,
            right: boxes.getBoundingClientRect().right,
            centres: cells.map(c => c.left + c.width / 2), visible: boxes.offsetParent !== null,
            top: li.getBoundingClientRect().top, boxTop: cells[0].top};
  });
  const heads = [...document.querySelectorAll('article .skb-answer-head')].map(head =>
    [...head.querySelectorAll('[aria-hidden]')].map(n => {
      const r = n.getBoundingClientRect();
      return {text: n.textContent, centre: r.left + r.width / 2};
    }));
  const focusable = document.querySelectorAll('.skb-answers [tabindex], .skb-answers input');
  return {rows, heads, width: document.documentElement.scrollWidth, focusable: focusable.length};
}"""


@pytest.fixture(scope="module")
def inspection_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site fixture with an inspection checklist of questions grouped
    under plain bullets, numbered, and nested under a question."""
    work = tmp_path_factory.mktemp("inspection-site")
    root = work / "kb"
    shutil.copytree(SITE_KB, root)
    shutil.copy(FIXTURES / "inspection" / "cl-loto-009.md", root / "checklists/lockout")
    result = build_kb(root, work / "site")
    assert result.returncode == 0, result.stderr
    with serve(work / "site") as url:
        yield url


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}])
@pytest.mark.parametrize(("uri", "questions", "heads"), [
    ("checklists/lockout/cl-loto-001/", 8, 3),
    ("checklists/lockout/cl-loto-009/", 6, 2),
])
def test_inspection_questions_have_yes_no_na_boxes_as_on_the_sheet(
        browser: Browser, inspection_url: str, viewport: dict[str, int], uri: str,
        questions: int, heads: int, tmp_path: Path) -> None:
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    tab.goto(inspection_url + uri)
    layout = tab.evaluate(_ANSWER_LAYOUT)
    tab.screenshot(path=str(tmp_path / "inspection.png"), full_page=True)
    context.close()
    assert len(layout["heads"]) == heads
    names = layout["heads"][0]
    assert [n["text"] for n in names] == ["Yes", "No", "N/A"]
    assert len(layout["rows"]) == questions and layout["width"] <= viewport["width"]
    for row in layout["rows"]:
        assert row["visible"] and row["right"] <= viewport["width"], row
        # The question wraps before its boxes, which stand on its first line.
        assert row["text"] <= row["boxes"], row
        assert abs(row["boxTop"] - row["top"]) < 12, row
        # Each box under its column name, nested questions too.
        for box, name in zip(row["centres"], names, strict=True):
            assert abs(box - name["centre"]) < 1.5, (row, names)
    assert layout["focusable"] == 0


def test_steps_that_start_with_a_paragraph_stay_open_on_a_phone(
        phone: tuple[Page, list[str]], base_url: str) -> None:
    """An action whose Steps section opens with a sentence before the list:
    on a phone the sections above the steps fold, the steps never do, and
    the first step is on the first screen."""
    tab, _ = phone
    tab.goto(base_url + "procedures/site/act-site-001/")
    tab.wait_for_load_state("networkidle")
    steps = tab.locator("article h2#steps")
    expect(steps).to_be_visible()
    assert tab.locator("article details h2#steps").count() == 0
    # The sections above the steps are folded (closed), Purpose included.
    folded = tab.eval_on_selector_all("article details.skb-fold h2", "hs => hs.map(h => h.id)")
    assert folded == ["purpose", "hazards-and-controls"], folded
    expect(tab.locator("article h2#steps ~ p").first).to_be_visible()
    first = tab.locator("article h2#steps ~ ol > li").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] + 24 <= PHONE["height"], box
    # What follows the steps is not folded either.
    expect(tab.locator("article h2#prohibited-actions")).to_be_visible()
    assert tab.locator("article details h2#prohibited-actions").count() == 0


def test_header_has_the_id_and_status_in_the_title_line(page: Page, base_url: str) -> None:
    page.goto(base_url + "procedures/hidden-danger/proc-hd-001/")
    title = page.locator(".skb-titleline")
    expect(title.locator("h1")).to_contain_text("PROC-HD-001")
    expect(title.locator("h1")).to_contain_text("Hidden-danger investigation")
    expect(title.locator(".skb-status")).to_have_text("approved")
    assert page.locator("article h1").count() == 1
    grid = page.locator("dl.skb-header")
    for label in ("Revision", "Effective", "Review due", "Owner"):
        expect(grid).to_contain_text(label)
    # The rest is behind the disclosure, closed.
    more = page.locator("details.skb-more")
    expect(more).not_to_have_attribute("open", "")
    expect(more.locator("dd").first).not_to_be_visible()
    more.locator("summary").click()
    expect(more).to_contain_text("Approved by")
    # One click to the Emergency section.
    page.locator("a.skb-jump").click()
    assert page.evaluate("location.hash") == "#emergency"


@pytest.mark.parametrize(("uri", "lang", "text"), [
    ("procedures/hidden-danger/proc-saf-001/", "en", "Superseded: not in force. Use PROC-HD-001."),
    ("procedures/management/proc-mgt-009/", "en", "Withdrawn: not in force."),
])
def test_banner_stands_above_everything_in_the_page_language(
        phone: tuple[Page, list[str]], base_url: str, uri: str, lang: str, text: str) -> None:
    tab, _ = phone
    tab.goto(base_url + uri)
    assert tab.evaluate("document.documentElement.lang") == lang
    banner = tab.locator("article .skb-banner")
    expect(banner).to_have_text(text)
    banner_box = banner.bounding_box()
    title_box = tab.locator("article h1").bounding_box()
    assert banner_box and title_box and banner_box["y"] < title_box["y"]
    assert banner_box["y"] < PHONE["height"] / 3


def test_chinese_page_declares_its_language(page: Page, base_url: str) -> None:
    page.goto(base_url + "checklists/team/cl-hd-001/")
    assert page.evaluate("document.documentElement.lang") == "zh"
    expect(page.locator("dl.skb-header")).to_contain_text("版次")
    expect(page.locator(".skb-titleline .skb-status")).to_have_text("已批准")


def test_hazards_and_ppe_show_with_icons_and_are_escaped(page: Page, base_url: str,
                                                        site: Path) -> None:
    page.goto(base_url + "procedures/actions/act-grind-001/")
    hazards = page.locator(".skb-safety-hazards li")
    expect(hazards).to_have_count(3)
    expect(hazards.nth(2)).to_have_text("Sharp & hot <edges>")
    assert page.locator(".skb-safety-ppe li svg.skb-icon").count() == 3
    # Icons are inline SVG (no request), hidden from screen readers.
    assert page.locator(".skb-safety svg[aria-hidden='true']").count() == 6
    raw = (site / "procedures/actions/act-grind-001/index.html").read_text("utf-8")
    assert "<edges>" not in raw and "Sharp &amp; hot &lt;edges&gt;" in raw


def test_ids_in_text_link_to_their_documents(page: Page, base_url: str) -> None:
    page.goto(base_url + "checklists/press/cl-press-001/")
    link = page.locator("article .md-typeset a, article a").filter(has_text="ACT-LOTO-001")
    hrefs = [link.nth(i).get_attribute("href") for i in range(link.count())]
    assert any(h and h.rstrip("/").endswith("act-loto-001") for h in hrefs), hrefs
    # Never inside code.
    page.goto(base_url + "procedures/actions/act-grind-001/")
    body = page.locator("article ol > li").first
    expect(body.locator("a")).to_have_text("ACT-LOTO-001")


def test_used_by_lists_the_documents_that_refer(page: Page, base_url: str) -> None:
    page.goto(base_url + "procedures/actions/act-grind-001/")
    page.locator("details.skb-more summary").click()
    used = page.locator(".skb-more-list .skb-field-used_by")
    expect(used).to_contain_text("CL-GRIND-001")
    used.locator("a").first.click()
    page.wait_for_url("**/cl-grind-001/")


_FIT = """() => {
  const t = document.querySelector('article table.skb-doctable');
  const article = t.closest('article').getBoundingClientRect();
  const right = Math.max(...[...t.querySelectorAll('th, td')]
    .filter(c => c.offsetParent !== null).map(c => c.getBoundingClientRect().right));
  return {page: document.documentElement.scrollWidth, table: t.getBoundingClientRect().right,
          cells: right, article: article.right};
}"""


def test_register_fits_1280_px_with_every_column(page: Page, base_url: str) -> None:
    page.goto(base_url + "reference/register/")
    head = page.locator("article table.skb-doctable thead")
    for name in ("Id", "Title", "Type", "Rev.", "Status", "Owner", "Effective", "Review due"):
        expect(head.locator("th", has_text=name)).to_be_visible()
    fit = page.evaluate(_FIT)
    assert fit["page"] <= 1280, fit
    assert fit["table"] <= fit["article"] + 0.5 and fit["cells"] <= fit["article"] + 0.5, fit
    # Ids and dates are never broken over lines.
    one_line = page.evaluate("""() => [...document.querySelectorAll(
        'td.skb-col-id, td.skb-col-effective, td.skb-col-review_due')].every(c => {
        const r = document.createRange(); r.selectNodeContents(c);
        const boxes = [...r.getClientRects()];
        const tall = Math.max(...boxes.map(b => b.bottom)) - Math.min(...boxes.map(b => b.top));
        return tall < 1.6 * parseFloat(getComputedStyle(c).fontSize); })""")
    assert one_line


def test_register_sorts_by_effective_date_with_the_keyboard(page: Page, base_url: str) -> None:
    page.goto(base_url + "reference/register/")
    table = page.locator("article table.skb-doctable")
    ids = table.locator("tbody td.skb-col-id")
    before = ids.all_inner_texts()
    assert before == sorted(before)
    expect(table.locator("th.skb-col-id")).to_have_attribute("aria-sort", "ascending")
    # From the Id heading, Tab reaches the Effective heading's button.
    table.locator("th.skb-col-id button").focus()
    for _ in range(6):
        page.keyboard.press("Tab")
    effective = table.locator("th.skb-col-effective")
    assert page.evaluate("document.activeElement.closest('th').className") == "skb-col-effective"
    page.keyboard.press("Enter")
    dates = table.locator("tbody td.skb-col-effective").all_inner_texts()
    assert dates == sorted(dates) and len(set(dates)) > 2, dates
    expect(effective).to_have_attribute("aria-sort", "ascending")
    expect(table.locator("th.skb-col-id")).to_have_attribute("aria-sort", "none")
    page.keyboard.press("Space")
    assert table.locator("tbody td.skb-col-effective").all_inner_texts() == sorted(dates,
                                                                                 reverse=True)
    expect(effective).to_have_attribute("aria-sort", "descending")
    table.locator("th.skb-col-id button").click()
    assert ids.all_inner_texts() == sorted(before)


def test_register_on_a_phone_shows_id_revision_title_status_and_dates(
        phone: tuple[Page, list[str]], base_url: str) -> None:
    tab, _ = phone
    tab.goto(base_url + "reference/register/")
    fit = tab.evaluate(_FIT)
    assert fit["page"] <= PHONE["width"] and fit["cells"] <= fit["article"] + 0.5, fit
    first = tab.locator("article table tbody tr").first
    for column in ("id", "revision", "title", "status", "effective", "review_due"):
        expect(first.locator(f"td.skb-col-{column}")).to_be_visible()
    for column in ("type", "owner"):
        expect(first.locator(f"td.skb-col-{column}")).to_be_hidden()
    # The revision (what a printed copy is checked against) on the id's line.
    boxes = {c: first.locator(f"td.skb-col-{c}").bounding_box() for c in ("id", "revision",
                                                                          "status")}
    assert all(boxes.values()), boxes
    assert abs(boxes["revision"]["y"] - boxes["id"]["y"]) < 4, boxes
    assert boxes["id"]["x"] < boxes["revision"]["x"] < boxes["status"]["x"], boxes
    # Cards, not a screen per document: several on the first screen.
    tops = tab.eval_on_selector_all("article table tbody tr",
                                    "rows => rows.map(r => r.getBoundingClientRect().bottom)")
    assert sum(1 for bottom in tops if bottom <= PHONE["height"]) >= 4, tops
    # The headings stay as sort buttons.
    tab.locator("th.skb-col-review_due button").click()
    dates = tab.locator("tbody td.skb-col-review_due").all_inner_texts()
    assert dates == sorted(dates)


def _hazards_in_force(site: Path) -> int:
    """How many hazards the documents in force of the site's knowledge base
    name (each spelling of one hazard counted once)."""
    from safetykb.config import load_config
    from safetykb.current import is_listed
    from safetykb.loader import load_kb
    from safetykb.tags import TagIndex

    root = site.parent / "kb"
    kb = load_kb(root, load_config(root))
    return len(TagIndex(kb.documents, is_listed).tags["hazard"])


def test_a_hazard_leads_to_its_tag_page(page: Page, base_url: str, site: Path) -> None:
    page.goto(base_url + "procedures/actions/act-grind-001/")
    page.locator(".skb-safety-hazards a", has_text="Bursting wheel throws fragments").click()
    page.wait_for_url("**/reference/hazards/bursting-wheel-throws-fragments/")
    expect(page.locator("article h1")).to_have_text("Hazard: Bursting wheel throws fragments")
    expect(page.locator("tbody td.skb-col-id")).to_have_text(["ACT-GRIND-001"])
    page.locator("a", has_text="All hazards").click()
    page.wait_for_url("**/reference/hazards/")
    expect(page.locator("ul.skb-tag-index li")).to_have_count(_hazards_in_force(site))
    page.goto(base_url + "checklists/grinding/cl-grind-001/")
    page.locator("details.skb-more summary").click()
    page.locator(".skb-field-workstation a").click()
    expect(page.locator("tbody td.skb-col-id")).to_have_text(["CL-GRIND-001"])
    page.go_back()
    page.locator("details.skb-more summary").click()
    page.locator(".skb-field-area a").click()
    expect(page.locator("article h1")).to_have_text("Area: Grinding")
