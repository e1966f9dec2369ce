"""Search on the built site: Pagefind's index, queried in a real Chromium
through the site's own search box.

The relevance table is what people type at the machine: full and partial
ids, words of a title, a hazard, a piece of PPE, a workstation, a typo,
Chinese words. Each expected document must be among the first three results.
(The index itself is read back in test_search_index.py.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import (
    build_search_site,
    launch,
    require_chromium,
    result_paths,
    search,
    serve,
    shard_search_site,
)

pytestmark = pytest.mark.browser
require_chromium()

from playwright.sync_api import Browser, Page  # noqa: E402


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_search_site(tmp_path_factory.mktemp("search-site"))



D = "/procedures/"
C = "/checklists/"
#: query -> a document that must be among the first three results.
RELEVANCE = [
    # Ids: full, partial, of another language, in a typo-free paste.
    ("PROC-HD-001", D + "hidden-danger/proc-hd-001/"),
    ("HD-001", D + "hidden-danger/proc-hd-001/"),
    ("CL-HD-001", C + "team/cl-hd-001/"),
    ("LOTO", D + "actions/act-loto-001/"),
    ("LOTO", C + "lockout/cl-loto-001/"),
    ("ACT-LOTO-001", D + "actions/act-loto-001/"),
    # A full id that other checklists of its area name in their text.
    ("CL-SITE-002", C + "grinding/cl-site-002/"),
    ("SITE-002", C + "grinding/cl-site-002/"),
    ("PROC-TRN-001", D + "training/proc-trn-001/"),
    ("GRIND", D + "actions/act-grind-001/"),
    # A superseded or withdrawn id leads to its archived page.
    ("PROC-SAF-001", D + "hidden-danger/proc-saf-001/"),
    ("PROC-MGT-009", D + "management/proc-mgt-009/"),
    # English words, stemming, a typo.
    ("lockout", C + "lockout/cl-loto-001/"),
    ("lockuot", D + "actions/act-loto-001/"),
    ("tag out", D + "actions/act-loto-001/"),
    ("inspections", C + "lockout/cl-loto-001/"),
    ("welders", D + "actions/act-weld-001/"),
    ("hot work", D + "actions/act-weld-001/"),
    ("acetylene", D + "actions/act-weld-001/"),
    ("flashback", D + "actions/act-weld-001/"),
    ("power press", C + "press/cl-press-001/"),
    ("light curtain", C + "press/cl-press-001/"),
    ("two-hand", C + "press/cl-press-001/"),
    ("hidden danger", D + "hidden-danger/proc-hd-001/"),
    ("rectification", D + "hidden-danger/proc-hd-001/"),
    ("responsibility system", D + "management/proc-mgt-001/"),
    ("team safety activities", D + "team/proc-team-001/"),
    # Workstation, tags, hazards, PPE.
    ("Press line 2", C + "press/cl-press-001/"),
    ("grinder bay", C + "grinding/cl-grind-001/"),
    ("abrasive wheel", D + "actions/act-grind-001/"),
    ("bursting wheel", D + "actions/act-grind-001/"),
    ("face shield", D + "actions/act-grind-001/"),
    ("hearing protection", D + "actions/act-grind-001/"),
    # Chinese, by words.
    ("培训", D + "training/proc-trn-001/"),
    ("安全生产教育", D + "training/proc-trn-001/"),
    ("三级安全教育", D + "training/proc-trn-001/"),
    ("特种作业", D + "training/proc-trn-001/"),
    ("隐患排查", D + "hidden-danger/proc-hd-001/"),
    ("班前安全检查", C + "team/cl-hd-001/"),
    ("劳动防护用品", C + "team/cl-hd-001/"),
    ("班前会", D + "team/proc-team-001/"),
]


@pytest.fixture(scope="module")
def base_url(search_site: Path) -> Iterator[str]:
    with serve(search_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch() as instance:
        yield instance


@pytest.fixture(scope="module")
def box(browser: Browser, base_url: str) -> Iterator[tuple[Page, list[str]]]:
    """One page with the search box open, reused by the relevance cases;
    every request it makes is recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(base_url)
    tab.locator("#skb-search-input").click()
    yield tab, requests
    context.close()


@pytest.fixture(scope="module")
def sharded_box(browser: Browser, search_site: Path,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, Path]]:
    """The same site with its index in shards of at most six pages (a large
    knowledge base's layout: every bundle holds a random part of a language),
    its box open."""
    site = shard_search_site(search_site, tmp_path_factory.mktemp("sharded") / "site", 6)
    with serve(site) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        tab.goto(url)
        tab.locator("#skb-search-input").click()
        yield tab, site
        context.close()


def test_relevance_table_has_enough_cases() -> None:
    assert len(RELEVANCE) >= 25
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", q)) for q, _ in RELEVANCE) >= 6


@pytest.mark.parametrize(("query", "expected"), RELEVANCE)
def test_relevance(box: tuple[Page, list[str]], query: str, expected: str) -> None:
    page, _ = box
    found = search(page, query)
    assert expected in found[:3], (query, found[:5])


#: Queries with fewer results than the box shows, in both languages.
FEW = ["acetylene", "lockout", "light curtain", "flashback", "abrasive wheel", "培训", "隐患排查"]


@pytest.mark.parametrize("query", FEW)
def test_shards_find_what_one_bundle_finds(box: tuple[Page, list[str]],
                                           sharded_box: tuple[Page, Path], query: str) -> None:
    """Split into shards (here of six pages: far smaller than the threshold,
    so their word statistics differ and near ties may change order), the
    index finds the same documents, each once: a shard without the word
    answers with nothing (its word list, hidden), not with look-alikes."""
    whole = search(box[0], query)
    sharded = search(sharded_box[0], query)
    assert whole and len(whole) < 10, whole
    assert sorted(sharded) == sorted(whole), (query, whole, sharded)


@pytest.mark.parametrize("query", ["PROC-SAF-001", "PROC-HD-001", "CL-HD-001", "ACT-LOTO-001"])
def test_shards_find_an_id_first(box: tuple[Page, list[str]],
                                 sharded_box: tuple[Page, Path], query: str) -> None:
    whole = search(box[0], query)
    sharded = search(sharded_box[0], query)
    assert sharded[0] == whole[0] and whole[0].rstrip("/").endswith(query.lower()), \
        (whole[:3], sharded[:3])


def test_shards_start_from_the_preloaded_files(sharded_box: tuple[Page, Path]) -> None:
    """Every bundle's entry and metadata file is fetched once, the preloaded
    copy (Pagefind asks for the entry with the index's tag, not the time),
    and every shard answers."""
    page, site = sharded_box
    from safetykb.search import manifest

    data = manifest(site)
    assert len(data["bundles"]) > 4
    search(page, "lockout")
    fetched = page.evaluate(
        "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname"
        " + new URL(e.name).search)")
    for file in data["preload"]:
        assert fetched.count("/pagefind/" + file) == 1, (file, fetched)
    entries = [f for f in fetched if "pagefind-entry.json" in f]
    assert len(entries) == len(data["bundles"]), entries
    chunks = {f.split("/pagefind/")[1].split("index/")[0]
              for f in fetched if f.endswith(".pf_index")}
    assert chunks == set(data["bundles"]), chunks


@pytest.mark.parametrize("query", ["PROC-HD-001", "CL-HD-001", "PROC-SAF-001", "ACT-LOTO-001",
                                   "CL-SITE-002", "cl-site-002"])
def test_a_full_id_finds_its_document_first(box: tuple[Page, list[str]], query: str) -> None:
    page, _ = box
    found = search(page, query)
    assert found and found[0].rstrip("/").endswith(query.lower()), found[:3]


@pytest.mark.parametrize(("query", "second"), [
    ("CL-LOTO-001", D + "actions/act-loto-001/"),
    ("ACT-LOTO-001", C + "lockout/cl-loto-001/"),
])
def test_a_full_id_then_the_documents_of_its_area(box: tuple[Page, list[str]], query: str,
                                                  second: str) -> None:
    """After the document itself, those of the same area (LOTO), before
    those that only share the kind (CL-HD-001) or the number (PROC-TRN-001)."""
    page, _ = box
    found = search(page, query)
    assert found[1] == second, (query, found[:4])


@pytest.mark.parametrize("query", ["CL-LOTO-001", "ACT-LOTO-001", "PROC-HD-001"])
def test_an_excerpt_does_not_repeat_the_title_above_it(box: tuple[Page, list[str]],
                                                       query: str) -> None:
    page, _ = box
    search(page, query)
    first = page.locator(".md-search-result__item").first
    title = first.locator("article h1").first.inner_text().strip()
    text = first.locator("article p").first.inner_text().strip()
    assert title.startswith(query) and text, (title, text)
    assert not text.startswith(query) and title not in text, (title, text)


@pytest.mark.parametrize("query", ["CL-LOTO-001", "PROC-HD-001", "HD-001"])
def test_an_id_query_marks_only_the_id(box: tuple[Page, list[str]], query: str) -> None:
    """An id is searched by its parts, and "cl" or "hd" match other words
    ("clear", "closed"): only occurrences of the id are marked, and no
    section is listed for such matches."""
    page, _ = box
    search(page, query)
    marks = page.eval_on_selector_all(".md-search-result__item mark",
                                      "ms => ms.map(m => m.textContent)")
    assert marks and all(query in m.upper() for m in marks), marks
    assert page.locator(".md-search-result__item h2").count() == 0


#: query -> (document, text its result must not show): print-only parts of
#: a page are not searched (the notice of a printed page holds the page's id,
#: so it was the excerpt of every search for an id).
NOT_SHOWN = [
    ("CL-SITE-002", C + "grinding/cl-site-002/", "Uncontrolled when printed"),
    ("ACT-SITE-001", D + "site/act-site-001/", "Uncontrolled when printed"),
    ("ACT-GRIND-001", D + "actions/act-grind-001/", "Uncontrolled when printed"),
    ("PROC-TRN-001", D + "training/proc-trn-001/", "打印件为非受控文件"),
]


@pytest.mark.parametrize(("query", "document", "text"), NOT_SHOWN)
def test_print_only_text_is_not_searched(box: tuple[Page, list[str]], query: str,
                                         document: str, text: str) -> None:
    page, _ = box
    found = search(page, query)
    assert document in found, (query, found)
    item = page.locator(".md-search-result__item").nth(found.index(document))
    shown = item.inner_text()
    assert text.lower() not in shown.lower(), (query, shown[:500])


def test_a_partial_id_puts_the_procedure_before_checklists(box: tuple[Page, list[str]]) -> None:
    page, _ = box
    found = search(page, "HD-001")
    assert found[:2] == [D + "hidden-danger/proc-hd-001/", C + "team/cl-hd-001/"], found


def test_drafts_and_archived_content_are_never_found(box: tuple[Page, list[str]]) -> None:
    page, _ = box
    for query in ("PROC-TEAM-002", "Weekly team safety activity", "bulletin board",
                  "Safety inspection procedure", "rectification"):
        found = search(page, query)
        assert not any("proc-team-002" in u for u in found), (query, found)
        if query != "PROC-TEAM-002":
            assert not any("proc-saf-001" in u or "proc-mgt-009" in u for u in found), \
                (query, found)


def test_archived_id_result_names_the_successor(box: tuple[Page, list[str]]) -> None:
    page, _ = box
    search(page, "PROC-SAF-001")
    first = page.locator(".md-search-result__item").first
    assert "PROC-HD-001" in first.inner_text()
    assert "superseded" in first.inner_text()


def test_no_request_leaves_the_site(box: tuple[Page, list[str]], base_url: str) -> None:
    page, requests = box
    search(page, "lockout")
    assert any("/pagefind/" in u for u in requests)
    outside = [u for u in requests if not u.startswith(base_url)]
    assert not outside, outside
    # Material's own index is never loaded by the online search box.
    assert not any("search_index.json" in u for u in requests)


def _fresh(browser: Browser, base_url: str) -> tuple[Page, object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(base_url)
    return tab, context


def test_results_follow_a_paste(browser: Browser, base_url: str) -> None:
    """Pasting (Ctrl+V, no key typed after) shows the results."""
    tab, context = _fresh(browser, base_url)
    box = tab.locator("#skb-search-input")
    box.click()
    tab.evaluate("navigator.clipboard.writeText('ACT-LOTO-001')")
    tab.keyboard.press("Control+V")
    tab.wait_for_function("document.getElementById('skb-search-input')"
                          ".getAttribute('data-skb-shown') === 'ACT-LOTO-001'", timeout=15_000)
    first = tab.locator(".md-search-result__item > a").first
    assert "act-loto-001" in str(first.get_attribute("href"))
    context.close()  # type: ignore[attr-defined]


def test_results_follow_an_input_method(browser: Browser, base_url: str) -> None:
    """Chinese from an input method: nothing while composing, results when
    the text is committed, with no key pressed afterwards."""
    tab, context = _fresh(browser, base_url)
    tab.locator("#skb-search-input").click()
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("Input.imeSetComposition", {"text": "pei", "selectionStart": 3, "selectionEnd": 3})
    tab.wait_for_timeout(300)
    assert tab.locator("#skb-search-input").get_attribute("data-skb-shown") is None
    cdp.send("Input.insertText", {"text": "培训"})
    tab.wait_for_function("document.getElementById('skb-search-input')"
                          ".getAttribute('data-skb-shown') === '培训'", timeout=15_000)
    first = tab.locator(".md-search-result__item > a").first
    assert "proc-trn-001" in str(first.get_attribute("href"))
    context.close()  # type: ignore[attr-defined]


def test_each_keystroke_shows_the_results_of_its_text(browser: Browser, base_url: str) -> None:
    """Typed one key at a time, every key's results are those of the text so
    far, the same as that text pasted at once; typed fast, the last text's
    results stay. (How fast: the keystroke row of benchmarks/run.py.)"""
    tab, context = _fresh(browser, base_url)
    box = tab.locator("#skb-search-input")
    box.click()
    box.press_sequentially("loc")
    shown = ("q => document.getElementById('skb-search-input')"
             ".getAttribute('data-skb-shown') === q")
    tab.wait_for_function(shown, arg="loc", timeout=15_000)
    typed = {}
    for key, query in zip("kout", ["lock", "locko", "lockou", "lockout"], strict=True):
        box.press(key)
        tab.wait_for_function(shown, arg=query, timeout=15_000)
        typed[query] = result_paths(tab)
    assert C + "lockout/cl-loto-001/" in typed["lockout"][:3], typed
    # Fast typing: no key waits for the one before; the last text wins.
    box.fill("")
    box.press_sequentially("tag out")
    tab.wait_for_function(shown, arg="tag out", timeout=15_000)
    tab.wait_for_timeout(500)
    assert box.get_attribute("data-skb-shown") == "tag out"
    fast = result_paths(tab)
    for query, paths in typed.items():
        assert search(tab, query) == paths, query
    assert search(tab, "tag out") == fast
    assert D + "actions/act-loto-001/" in fast[:3], fast
    context.close()  # type: ignore[attr-defined]


_SHOWN_TERMS = """() => {
  window.__terms = [];
  new MutationObserver(() => {
    const a = document.querySelector('#skb-search-results .md-search-result__item > a');
    const h = a ? new URL(a.href).searchParams.get('h') : null;
    const shown = document.getElementById('skb-search-input').getAttribute('data-skb-shown');
    if (h !== null && window.__terms[window.__terms.length - 1]?.h !== h) {
      window.__terms.push({h: h, whole: shown === h});
    }
  }).observe(document.getElementById('skb-search-results'), {childList: true, subtree: true});
}"""


def _slow_records(tab: Page, held: list[str]) -> None:
    """Each result record (``.pf_fragment``) answered 0.6 s late, as on a
    slow network, so that a search is overtaken while its records arrive."""
    def late(route: Any) -> None:
        held.append(route.request.url)
        tab.wait_for_timeout(600)
        route.continue_()

    tab.route("**/*.pf_fragment", late)


def _loc_with_records_held(browser: Browser, base_url: str) -> tuple[Page, Any, Any]:
    """A fresh tab, results recorded as they show (``window.__terms``), "loc"
    typed and its search's result records asked for but held back: the
    search is under way when the test types on. (tab, context, box)."""
    tab, context = _fresh(browser, base_url)
    held: list[str] = []
    _slow_records(tab, held)
    tab.evaluate(_SHOWN_TERMS)
    box = tab.locator("#skb-search-input")
    box.click()
    box.press_sequentially("loc")
    deadline = 15_000
    while not held and deadline > 0:
        tab.wait_for_timeout(20)
        deadline -= 20
    assert held, "no result record was asked for"
    return tab, context, box


def test_results_show_while_the_query_is_typed_on(browser: Browser, base_url: str) -> None:
    """A search overtaken by more typing ("loc", then "k") still shows its
    results while the newer one runs, never counted as whole; the newer
    results replace them."""
    tab, context, box = _loc_with_records_held(browser, base_url)
    box.press("k")
    tab.wait_for_function("document.getElementById('skb-search-input')"
                          ".getAttribute('data-skb-shown') === 'lock'", timeout=15_000)
    terms = tab.evaluate("window.__terms")
    assert terms[0] == {"h": "loc", "whole": False}, terms
    assert terms[-1]["h"] == "lock", terms
    assert all(t["h"] in ("loc", "lock") for t in terms), terms
    context.close()  # type: ignore[attr-defined]


def test_results_of_replaced_text_never_show(browser: Browser, base_url: str) -> None:
    """Text replaced rather than typed on ("loc", then "tag"): the records of
    the overtaken search arrive after the change and are not shown."""
    tab, context, box = _loc_with_records_held(browser, base_url)
    box.fill("tag")
    tab.wait_for_function("document.getElementById('skb-search-input')"
                          ".getAttribute('data-skb-shown') === 'tag'", timeout=15_000)
    tab.wait_for_timeout(800)
    terms = tab.evaluate("window.__terms")
    assert [t["h"] for t in terms] == ["tag"], terms
    context.close()  # type: ignore[attr-defined]


def test_one_or_two_small_letters_are_not_searched(box: tuple[Page, list[str]]) -> None:
    page, _ = box
    for query in ("l", "lo"):
        page.locator("#skb-search-input").fill(query)
        page.wait_for_timeout(300)
        assert page.locator(".md-search-result__item").count() == 0, query
    assert search(page, "HD")  # an id part: searched from two characters
    assert search(page, "培")  # one Chinese character: searched


def test_keyboard_reaches_the_results_and_escape_closes(browser: Browser, base_url: str) -> None:
    tab, context = _fresh(browser, base_url)
    tab.keyboard.press("/")
    assert tab.evaluate("document.activeElement.id") == "skb-search-input"
    search(tab, "power press")
    tab.keyboard.press("ArrowDown")
    href = tab.evaluate("document.activeElement.getAttribute('href')")
    assert "cl-press-001" in href
    tab.keyboard.press("Escape")
    assert tab.evaluate("document.getElementById('__search').checked") is False
    context.close()  # type: ignore[attr-defined]


_FOCUSED = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect();
  const search = document.querySelector('.md-search');
  return {tag: e.tagName, id: e.id, inResults: !!e.closest('.md-search__output'),
          afterSearch: !!(search.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING)
                       && !search.contains(e),
          shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight
                 && r.right > 0 && r.left < innerWidth
                 && getComputedStyle(e).visibility !== 'hidden'};
}"""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900},
                                      {"width": 390, "height": 844}])
def test_escape_from_a_result_leaves_no_focus_in_the_closed_search(
        browser: Browser, base_url: str, viewport: dict[str, int]) -> None:
    """Escape pressed on a result (not in the box) closes the search; the Tab
    order goes on after the search, never into the hidden results. (On a
    phone the next stops are in Material's closed navigation drawer, off
    screen: Material's own, not checked here.)"""
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    tab.goto(base_url)
    tab.keyboard.press("/")
    search(tab, "power press")
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("ArrowDown")
    assert tab.evaluate(_FOCUSED)["inResults"]
    tab.keyboard.press("Escape")
    assert tab.evaluate("document.getElementById('__search').checked") is False
    assert not tab.evaluate(_FOCUSED)["inResults"]
    for _ in range(3):
        tab.keyboard.press("Tab")
        focused = tab.evaluate(_FOCUSED)
        assert not focused["inResults"] and focused["afterSearch"], focused
        assert focused["shown"] or viewport["width"] < 1000, focused
    context.close()


def test_every_tab_stop_of_the_header_is_on_screen(browser: Browser, base_url: str) -> None:
    """From the top of a page, each of the first Tab stops is something to
    be seen (Material writes an invisible palette radio button when the
    palette list has one entry: no stop for it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(base_url + "checklists/press/cl-press-001/")
    stops = []
    for _ in range(6):
        tab.keyboard.press("Tab")
        stops.append(tab.evaluate(_FOCUSED))
    context.close()
    assert all(s["shown"] for s in stops), stops
    assert not any(s["id"].startswith("__palette") for s in stops), stops


@pytest.mark.parametrize("uri", ["checklists/press/cl-press-001/",
                                 "procedures/hidden-danger/proc-saf-001/"])
def test_skip_to_content_leads_to_the_top_of_the_document(
        browser: Browser, base_url: str, uri: str) -> None:
    """"Skip to content" leads above the banner and the title, not to the
    first section (which skipped the header, the Print link and a
    superseded page's banner); the page's contents are listed as before."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(base_url + uri)
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.classList.contains('md-skip')")
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    where = tab.evaluate("""() => {
      const y = e => e.getBoundingClientRect().top + scrollY;
      const h2 = document.querySelector('article h2');
      const first = document.querySelector('article .skb-banner, article h1');
      return {focus: y(document.activeElement), h2: y(h2), top: y(first),
              inArticle: !!document.activeElement.closest('article'),
              toc: [...document.querySelectorAll('.md-nav--secondary a')].map(a => a.hash)};
    }""")
    context.close()
    assert where["inArticle"] and where["focus"] < where["h2"], where
    assert where["toc"] and "#skb.doc" not in where["toc"], where


def test_result_opens_with_the_words_highlighted(browser: Browser, base_url: str) -> None:
    tab, context = _fresh(browser, base_url)
    tab.locator("#skb-search-input").click()
    search(tab, "light curtain")
    tab.locator(".md-search-result__item > a").first.click()
    tab.wait_for_url("**/cl-press-001/**")
    marks = tab.locator("mark.skb-hit")
    assert marks.count() >= 2
    assert marks.first.inner_text().lower() in ("light", "curtain")
    context.close()  # type: ignore[attr-defined]


def test_results_show_on_a_phone(browser: Browser, base_url: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    tab.goto(base_url)
    tab.locator("label.md-header__button[for='__search']").click()
    search(tab, "培训")
    first = tab.locator(".md-search-result__item").first
    assert first.is_visible()
    # Material slides the results in: measure once the slide has ended.
    box = first.bounding_box()
    for _ in range(40):
        tab.wait_for_timeout(50)
        settled = first.bounding_box()
        if settled == box:
            break
        box = settled
    # (1 px: Material's slide-in transition may not have quite ended.)
    assert box is not None and box["x"] >= -1 and box["x"] + box["width"] <= 391
    assert tab.evaluate("document.documentElement.scrollWidth") <= 391
    tab.screenshot(path=str(tmp_path / "search-phone.png"))
    context.close()


@pytest.mark.parametrize(("query", "sections"), [("acetylene", True), ("hot work", True),
                                                 ("lockout", False), ("培训", False)])
def test_a_section_result_does_not_repeat_the_document_excerpt(
        box: tuple[Page, list[str]], query: str, sections: bool) -> None:
    """A document's result shows its best excerpt once: the section the
    excerpt comes from is linked under it, without the same text again."""
    page, _ = box
    search(page, query)
    repeated = page.eval_on_selector_all(".md-search-result__item", """items => items.map(li => {
        const texts = [...li.querySelectorAll('article p')].map(p => p.textContent.trim());
        return texts.filter(t => t && texts.indexOf(t) !== texts.lastIndexOf(t));
    }).filter(r => r.length)""")
    assert not repeated, (query, repeated)
    if sections:  # (these repeated it: the section is still linked, without the text)
        headings = page.eval_on_selector_all(".md-search-result__item h2", "els => els.length")
        assert headings, query
