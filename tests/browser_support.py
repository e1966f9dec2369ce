"""Shared parts of the browser tests: Debian's Chromium through Playwright,
a local HTTP server for a built site, the search knowledge base.

The search knowledge base is the frozen site fixture plus the documents in
``fixtures/search-extra`` (an action and a checklist with hazards and PPE, a
withdrawn procedure), built with ``build_kb`` as on a fixed day.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, SITE_KB, build_kb

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEARCH_EXTRA = FIXTURES / "search-extra"


def require_chromium() -> None:
    """Skip the module without Chromium (outside CI), fail in CI."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            raise RuntimeError("chromium is not installed; .ci/run must install it")
        pytest.skip("chromium is not installed (sh scripts/test-setup.sh, or "
                    "apt-get install chromium)", allow_module_level=True)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def search_kb(dest: Path) -> Path:
    """A copy of the site fixture with the search-extra documents added."""
    shutil.copytree(SITE_KB, dest)
    shutil.copytree(SEARCH_EXTRA, dest, dirs_exist_ok=True)
    return dest


def build_search_site(work: Path) -> Path:
    root = search_kb(work / "kb")
    out = work / "site"
    result = build_kb(root, out)
    assert result.returncode == 0, result.stderr
    return out


def shard_search_site(site: Path, dest: Path, shard_pages: int) -> Path:
    """A copy of the built search ``site`` whose index is built again, as the
    build does, with at most ``shard_pages`` pages per bundle (the fixture is
    far smaller than the real threshold)."""
    from safetykb.linter import check_paths
    from safetykb.search import BUNDLE, archived_records, build_index

    shutil.copytree(site, dest, ignore=lambda folder, names:
                    [BUNDLE] if Path(folder) == site else [])
    kb, _ = check_paths(site.parent / "kb", store=False)
    build_index(dest, archived=archived_records(kb), default_lang=kb.config.lang,
                shard_pages=shard_pages)
    return dest


def search(page: Any, query: str, timeout: float = 15_000) -> list[str]:
    """Put ``query`` in the search box of the open page (as one input event,
    like a paste) and return the result paths, best first (one per page)."""
    box = page.locator("#skb-search-input")
    box.fill(query)
    page.wait_for_function(
        "q => document.getElementById('skb-search-input').getAttribute('data-skb-shown') === q",
        arg=query, timeout=timeout)
    return result_paths(page)


def result_paths(page: Any) -> list[str]:
    paths: list[str] = page.eval_on_selector_all(
        ".md-search-result__item > a:first-child",
        "els => els.map(e => new URL(e.href).pathname)")
    return paths


@contextmanager
def launch() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
