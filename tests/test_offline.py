"""`safetykb build --offline`: the copy works opened from a folder (file://)
in a real Chromium: pages, navigation between them and search, and no request
leaves the folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import launch, require_chromium, search_kb
from conftest import TODAY

pytestmark = pytest.mark.browser
require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("offline")
    root = search_kb(work / "kb")
    env = {k: v for k, v in os.environ.items() if k != "SAFETYKB_OFFLINE"}
    # No --site-dir: the copy goes to site-offline/, never over the site a
    # web server may be serving from site/.
    result = subprocess.run([sys.executable, "-m", "safetykb.cli", "build", "--offline",
                             "--root", str(root), "--today", TODAY.isoformat()],
                            capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    assert not (root / "site").exists()
    return root / "site-offline"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch() as instance:
        yield instance


@pytest.fixture
def tab(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    yield page, requests
    context.close()


def test_offline_copy_has_no_folder_links(offline_site: Path) -> None:
    html = (offline_site / "checklists/press/cl-press-001/index.html").read_text("utf-8")
    assert 'href="../../lockout/cl-loto-001/index.html"' in html
    assert not (offline_site / "pagefind").exists()
    assert (offline_site / "search/search_index.js").read_text("utf-8").startswith(
        "var __index = ")


def test_navigation_works_from_the_file_system(tab: tuple[Page, list[str]],
                                               offline_site: Path) -> None:
    page, requests = tab
    page.goto((offline_site / "index.html").as_uri())
    page.locator("nav.md-nav a", has_text="Glossary").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/glossary/index.html")
    expect(page.locator("article h1")).to_be_visible()
    page.goto((offline_site / "checklists/press/cl-press-001/index.html").as_uri())
    page.locator("details.skb-more summary").click()
    page.locator("details.skb-more a", has_text="ACT-LOTO-001").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/procedures/actions/act-loto-001/index.html")
    expect(page.locator(".skb-titleline h1")).to_contain_text("ACT-LOTO-001")
    outside = [u for u in requests if not u.startswith("file://")]
    assert not outside, outside


@pytest.mark.parametrize(("query", "expected"), [
    ("lockout", "/checklists/lockout/cl-loto-001/index.html"),
    ("ACT-LOTO-001", "/procedures/actions/act-loto-001/index.html"),
    ("培训", "/procedures/training/proc-trn-001/index.html"),
])
def test_search_works_from_the_file_system(tab: tuple[Page, list[str]], offline_site: Path,
                                           query: str, expected: str) -> None:
    page, requests = tab
    page.goto((offline_site / "procedures/hidden-danger/proc-hd-001/index.html").as_uri())
    box = page.locator("#skb-search-input")
    box.click()
    box.fill(query)
    page.wait_for_function("q => document.getElementById('skb-search-input')"
                           ".getAttribute('data-skb-shown') === q", arg=query, timeout=20_000)
    first = page.locator(".md-search-result__item > a:first-child")
    hrefs = [str(first.nth(i).get_attribute("href")) for i in range(min(3, first.count()))]
    assert any(h.split("?")[0].endswith(expected) for h in hrefs), hrefs
    first.first.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://") and "index.html" in page.url
    outside = [u for u in requests if not u.startswith("file://")]
    assert not outside, outside


def _indexed_text(offline_site: Path, page: str) -> str:
    """The text Material's index of the offline copy holds for ``page``."""
    script = (offline_site / "search/search_index.js").read_text("utf-8")
    index = json.loads(script.removeprefix("var __index = ").rstrip().rstrip(";"))
    records = [d for d in index["docs"] if d["location"].startswith(page)]
    assert records, [d["location"] for d in index["docs"]][:20]
    return " ".join(d["text"] for d in records)


def test_offline_index_keeps_table_cells_apart(offline_site: Path) -> None:
    """Material's index reads the page's text: the register's cells must not
    run together ("Checklist1approvedSafety Department...")."""
    text = _indexed_text(offline_site, "reference/register/")
    assert "approved" in text
    assert not re.search(r"[0-9a-z](approved|draft)\b", text), text[:400]


def test_offline_index_leaves_out_the_answer_columns(offline_site: Path) -> None:
    """The Yes / No / N/A column names of an inspection checklist are not
    text to search: in Material's index (no data-pagefind-ignore there) they
    opened every section's excerpt and matched "yes" everywhere."""
    text = _indexed_text(offline_site, "checklists/lockout/cl-loto-001/")
    assert "Is stored energy released" in text
    assert "Answer each question Yes, No or N/A." not in text
    assert "N/A" not in text.replace("Yes, No or N/A during", ""), text[:600]
