"""Accessibility of the built site: axe-core (through axe-playwright-python)
in a real Chromium, WCAG 2.0/2.1/2.2 A and AA rules, on document pages of
every kind and language, a banner page, the register, tag pages and the open search
with results. No serious or critical violation is allowed; the status badges
and critical marks are also checked for contrast directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import (
    build_search_site,
    launch,
    require_chromium,
    search,
    serve,
)

pytestmark = pytest.mark.browser
require_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page  # noqa: E402

WCAG = {"runOnly": {"type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
        "resultTypes": ["violations"]}
PAGES = [
    "",
    "procedures/hidden-danger/proc-hd-001/",
    "procedures/hidden-danger/proc-saf-001/",
    "procedures/management/proc-mgt-009/",
    "procedures/training/proc-trn-001/",
    "procedures/actions/act-grind-001/",
    "checklists/press/cl-press-001/",
    "checklists/team/cl-hd-001/",
    "checklists/lockout/cl-loto-001/",
    "reference/register/",
    "reference/hazards/",
    "reference/hazards/bursting-wheel/",
    "reference/areas/press/",
    "what-changed/",
    "reference/archive/",
    "for-authors/rules/",
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build_search_site(tmp_path_factory.mktemp("a11y-site"))
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch() as instance:
        yield instance


def _serious(page: Page, context: Any = None) -> list[str]:
    results = Axe().run(page, context=context, options=WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900},
                                      {"width": 390, "height": 844}], ids=["desktop", "phone"])
@pytest.mark.parametrize("uri", PAGES)
def test_no_serious_violations(browser: Browser, base_url: str, uri: str,
                               viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    tab = context.new_page()
    tab.goto(base_url + uri)
    tab.wait_for_load_state("networkidle")
    if uri.startswith("procedures/") or uri.startswith("checklists/"):
        tab.locator("details.skb-more summary").click()  # the disclosure, open
    found = _serious(tab)
    context.close()
    assert not found, found


def test_search_with_results_has_no_serious_violations(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(base_url)
    tab.locator("#skb-search-input").click()
    assert search(tab, "lockout")
    found = _serious(tab, context=".md-header")
    context.close()
    assert not found, found


def _luminance(rgb: str) -> float:
    parts = [int(x) / 255 for x in rgb[rgb.index("(") + 1: rgb.index(")")].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(fg: str, bg: str) -> float:
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@pytest.mark.parametrize(("uri", "selector"), [
    ("procedures/hidden-danger/proc-hd-001/", ".skb-titleline .skb-status"),
    ("procedures/hidden-danger/proc-saf-001/", ".skb-titleline .skb-status"),
    ("procedures/hidden-danger/proc-saf-001/", ".skb-banner"),
    ("procedures/management/proc-mgt-009/", ".skb-banner"),
    ("checklists/press/cl-press-001/", ".skb-critical"),
    ("checklists/team/cl-hd-001/", ".skb-critical"),
    ("procedures/actions/act-grind-001/", ".skb-safety-hazards li"),
    ("procedures/actions/act-grind-001/", ".skb-safety-ppe li"),
])
def test_badges_and_critical_marks_have_contrast(browser: Browser, base_url: str, uri: str,
                                                 selector: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(base_url + uri)
    colours = tab.locator(selector).first.evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    context.close()
    assert _contrast(*colours) >= 4.5, (selector, colours)


def test_checklist_is_usable_with_a_keyboard(browser: Browser, base_url: str) -> None:
    """Tab reaches the disclosure and opens it with Enter; tick boxes are
    read as checkboxes with their item text."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(base_url + "checklists/press/cl-press-001/")
    summary = tab.locator("details.skb-more summary")
    summary.focus()
    tab.keyboard.press("Enter")
    assert tab.locator("details.skb-more").evaluate("d => d.open")
    boxes = tab.get_by_role("checkbox")
    assert boxes.count() == 16
    label = boxes.first.evaluate("e => e.closest('li').textContent.trim()")
    assert label.startswith("Previous shift")
    context.close()


def test_revision_history_opened_on_a_phone_has_no_serious_violations(
        browser: Browser, tmp_path: Path) -> None:
    """The history table sits in a closed disclosure; opened on a phone it
    scrolls sideways, and its scroll box then takes the keyboard."""
    from conftest import TODAY, build_kb
    from test_history_site import history_kb

    kb = history_kb(tmp_path)
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    with serve(tmp_path / "site") as url:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        tab = context.new_page()
        tab.goto(url + "procedures/gen/proc-gen-001/")
        tab.wait_for_load_state("networkidle")
        tab.locator("details.skb-history summary").click()
        wrap = tab.locator("details.skb-history .md-typeset__scrollwrap")
        overflows = wrap.evaluate("w => w.scrollWidth > w.clientWidth + 1")
        focusable = wrap.get_attribute("tabindex") == "0"
        found = _serious(tab)
        context.close()
    assert overflows == focusable, (overflows, focusable)
    assert not found, found
