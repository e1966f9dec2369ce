"""Pages rendered in forked worker processes are the pages rendered in one.

The build renders page bodies and header blocks ahead, in workers
(:mod:`safetykb.prerender`); the site must be the same, byte for byte, as
with one process, and a page the sanitiser would cut must still fail the
build naming its document.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TODAY, build_kb
from safetykb import site
from safetykb.linter import check_paths
from safetykb.prerender import PARALLEL_THRESHOLD, PendingPages, render_page
from safetykb.site import site_pages
from safetykb.synth import generate

#: Documents: over the threshold for worker processes, with the four lists.
COUNT = PARALLEL_THRESHOLD + 10


@pytest.fixture(scope="module")
def synth_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prerender") / "kb"
    generate(root, COUNT, today=TODAY)
    return root


def test_workers_render_what_one_process_renders(synth_kb: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFETYKB_TODAY", TODAY.isoformat())
    kb, problems = check_paths(synth_kb, store=False)
    assert not [p for p in problems if p.level == "error"]
    pages = site_pages(kb)
    assert len(pages) >= PARALLEL_THRESHOLD
    serial = [render_page(page, kb) for page in pages]
    # The workers must render for themselves, not inherit what the serial pass
    # left in the generated pages' memo.
    site._RENDERED.clear()
    pending = PendingPages(pages, kb, jobs=2)
    assert pending.parallel
    parallel = [pending.get(page.uri) for page in pages]
    assert parallel == serial
    assert sum(bool(r.header) for r in serial) == COUNT, "every document has its header"
    assert all(r.rendered.html for r in serial)


def _pages(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))
            if p.relative_to(site).parts[0] != "pagefind"}


def test_parallel_and_serial_builds_publish_the_same_pages(
        synth_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sites = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("SAFETYKB_JOBS", jobs)
        result = build_kb(synth_kb, tmp_path / f"site-{jobs}")
        assert result.returncode == 0, result.stderr
        sites[jobs] = _pages(tmp_path / f"site-{jobs}")
    assert len(sites["1"]) > COUNT
    assert sites["1"].keys() == sites["2"].keys()
    differ = [uri for uri in sites["1"] if sites["1"][uri] != sites["2"][uri]]
    assert not differ, differ[:5]


def test_a_page_cut_by_the_sanitiser_in_a_worker_fails_the_build(
        synth_kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "kb"
    shutil.copytree(synth_kb, root)
    doc = sorted((root / "procedures").rglob("proc-*.md"))[-1]
    # Passes the rules (kbd is allowed), loses its attribute to the sanitiser.
    doc.write_text(doc.read_text("utf-8") + '\nPress <kbd data-key="stop">Stop</kbd>.\n',
                   "utf-8")
    monkeypatch.setenv("SAFETYKB_JOBS", "2")
    result = build_kb(root, tmp_path / "site")
    assert result.returncode == 1, result.stderr
    rel = doc.relative_to(root).as_posix()
    assert f"{rel}: the published page would lose content to the HTML sanitiser" \
        in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()
