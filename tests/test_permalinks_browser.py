"""The permanent addresses printed on sheets (``id/<ID>/``) and the "Print
(PDF)" link, followed in Chromium on the built fixture site."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import launch, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(repo_site: Path) -> Iterator[str]:
    with serve(repo_site) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


@pytest.mark.parametrize(("doc_id", "lands", "shows"), [
    ("PROC-HD-001", "procedures/hidden-danger/proc-hd-001/", "PROC-HD-001"),
    ("CL-PRESS-001", "checklists/press/cl-press-001/", "CL-PRESS-001"),
    # A superseded id read off an old print-out leads to its archived page,
    # which names the successor.
    ("PROC-SAF-001", "procedures/hidden-danger/proc-saf-001/", "PROC-HD-001"),
])
def test_permanent_address_leads_to_the_current_page(base_url: str, chromium: Any,
                                                     doc_id: str, lands: str,
                                                     shows: str) -> None:
    page = chromium.new_page()  # type: ignore[attr-defined]
    page.goto(f"{base_url}id/{doc_id}/")
    page.wait_for_url(f"{base_url}{lands}", timeout=10_000)
    assert shows in page.inner_text("article")
    page.close()


def test_print_link_serves_the_pdf(base_url: str, chromium: Any) -> None:
    page = chromium.new_page()  # type: ignore[attr-defined]
    page.goto(f"{base_url}checklists/press/cl-press-001/")
    href = page.get_attribute("p.skb-print a", "href")
    page.close()
    assert href is not None
    with urllib.request.urlopen(base_url + "checklists/press/cl-press-001/" + href) as response:
        data = response.read()
    assert data.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = PdfReader(BytesIO(data)).pages[0].extract_text()
    assert "CL-PRESS-001" in text


def test_drafts_get_no_permanent_address_on_the_published_site(repo_site: Path) -> None:
    assert (repo_site / "id/PROC-TEAM-001/index.html").is_file()
    assert not (repo_site / "id/PROC-TEAM-002").exists()
    assert not (repo_site / "print/PROC-TEAM-002.pdf").exists()


def test_a_procedure_printed_from_the_browser(base_url: str, chromium: Any,
                                              tmp_path: Path) -> None:
    """Printed from Chromium: the document with its header, the notice with the
    permanent address, none of the site's navigation or search."""
    from pypdf import PdfReader

    page = chromium.new_page()
    page.goto(f"{base_url}procedures/actions/act-loto-001/")
    assert not page.locator(".skb-uncontrolled").is_visible()  # on screen: hidden
    out = tmp_path / "printed.pdf"
    page.pdf(path=str(out), format="A4")
    page.close()
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    text = " ".join(text.split())
    assert "ACT-LOTO-001" in text and "Revision" in text
    # (A line may break inside the address.)
    assert "Uncontrolledwhenprinted:checkthecurrentrevisionat" \
           "http://127.0.0.1:8000/id/ACT-LOTO-001/." in "".join(text.split())
    assert "Print (PDF)" not in text and "Search" not in text
    # Step 1 and its key point stay together on one page.
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(out).pages]
    first = next(p for p in pages if "Key point: Name every affected employee" in p)
    assert "Tell the machine operator" in first
