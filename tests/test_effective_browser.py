"""The pages of a revision approved ahead in a real Chromium: the notice on
the revision in force, the "Not yet in force" page and the register, on a
phone, with no serious or critical accessibility violation (axe-core)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import launch, require_chromium, serve
from test_effective import LATER, NEXT_PAGE, PAGE, approved_ahead_site

pytestmark = pytest.mark.browser
require_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

WCAG = {"runOnly": {"type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _kb, site, _log = approved_ahead_site(tmp_path_factory.mktemp("effective-browser"))
    with serve(site) as url:
        yield url


@pytest.mark.parametrize("uri", [PAGE, NEXT_PAGE, "reference/register/index.html"])
def test_notices_on_a_phone_are_seen_first_and_accessible(base_url: str, uri: str) -> None:
    with launch() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        tab = context.new_page()
        tab.goto(base_url + uri.removesuffix("index.html"))
        tab.wait_for_load_state("networkidle")
        if uri != "reference/register/index.html":
            banner = tab.locator(".skb-banner").first
            expect(banner).to_be_visible()
            expect(banner).to_contain_text(f"takes effect on {LATER}")
            box = banner.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 844  # on the first screen
        results = Axe().run(tab, options=WCAG)
        serious = [f"{v['id']}: {v['help']}" for v in results.response["violations"]
                   if v["impact"] in ("serious", "critical")]
        context.close()
        assert not serious, serious


def test_the_notice_leads_to_the_coming_revision_and_back(base_url: str) -> None:
    with launch() as browser:
        tab = browser.new_page()
        tab.goto(base_url + PAGE.removesuffix("index.html"))
        tab.locator(".skb-banner-next a").click()
        expect(tab.locator(".skb-banner-upcoming")).to_contain_text("Not yet in force")
        assert tab.url.endswith(NEXT_PAGE.removesuffix("index.html"))
        tab.locator(".skb-banner-upcoming a").click()
        expect(tab.locator(".skb-banner-next")).to_be_visible()
        assert Path(tab.url).name == "cl-gen-001"
