"""The built site in a real browser: Debian's Chromium driven by Playwright.

Skipped only outside CI when Chromium is not installed (scripts/test-setup.sh
installs it); in CI (CI=true) a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("chromium is not installed; .ci/run must install it")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(repo_site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(repo_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def _search(page: Page, base_url: str, query: str) -> list[str]:
    """Type ``query`` into the site's search box; the result links, best first."""
    page.goto(base_url)
    page.wait_for_load_state("networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    results = page.locator(".md-search-result__item a")
    box.fill(query)
    try:
        expect(results).not_to_have_count(0, timeout=5_000)
    except AssertionError:
        # Typed before the browser finished building the index: type the last
        # character again, as a person would.
        box.press("End")
        box.press("Backspace")
        box.type(query[-1])
        expect(results).not_to_have_count(0, timeout=30_000)
    return [str(results.nth(i).get_attribute("href")) for i in range(results.count())]


def test_finds_a_document_by_its_id(page: Page, base_url: str) -> None:
    hrefs = _search(page, base_url, "PROC-HD-001")
    assert "proc-hd-001" in hrefs[0], hrefs


def test_finds_a_chinese_document_by_chinese_words(page: Page, base_url: str) -> None:
    hrefs = _search(page, base_url, "培训")
    assert any("proc-trn-001" in h for h in hrefs), hrefs


def test_archived_document_is_not_found(page: Page, base_url: str) -> None:
    hrefs = _search(page, base_url, "rectification")
    assert not any("proc-saf-001" in h for h in hrefs), hrefs


def test_header_block_fits_a_phone_and_no_request_leaves_the_site(
        browser: Browser, base_url: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(base_url + "procedures/hidden-danger/proc-hd-001/")
    header = tab.locator("dl.skb-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text("PROC-HD-001")
    expect(header).to_contain_text("Review due")
    box = header.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    tab.screenshot(path=str(tmp_path / "phone.png"), full_page=False)
    tab.wait_for_load_state("networkidle")
    context.close()
    outside = [u for u in requests if not u.startswith(base_url)]
    assert not outside, outside
