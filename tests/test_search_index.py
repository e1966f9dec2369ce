"""The search index of the built site, read back without a browser: one
bundle per language, no draft, superseded or withdrawn page in it except the
id-only record of an archived document, the id weighed, filters present."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from browser_support import build_search_site, shard_search_site
from safetykb.search import (
    BUNDLE,
    MAX_SHARDS,
    SHARD_PAGES,
    WORDS_URL,
    manifest,
    shard_count,
)


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_search_site(tmp_path_factory.mktemp("search-index"))



def _fragments(site: Path) -> list[dict[str, object]]:
    out = []
    for path in (site / BUNDLE).rglob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        # "pagefind_dcd" signature, then JSON.
        out.append(json.loads(raw[raw.index(b"{"):]))
    return out


def test_index_has_a_bundle_per_language(search_site: Path) -> None:
    data = manifest(search_site)
    assert data["languages"] == ["en", "zh"]
    assert data["bundles"] == ["", "zh/"]
    assert (search_site / BUNDLE / "pagefind.js").is_file()
    # (A merged bundle is served by the main bundle's script.)
    assert (search_site / BUNDLE / "zh" / "pagefind-entry.json").is_file()


def test_index_holds_no_page_that_is_not_in_force(search_site: Path) -> None:
    fragments = _fragments(search_site)
    urls = {str(f["url"]) for f in fragments}
    assert "/procedures/hidden-danger/proc-hd-001/" in urls
    assert "/checklists/team/cl-hd-001/" in urls
    # The draft: never. Superseded and withdrawn: only the id-only record.
    assert not any("proc-team-002" in u for u in urls), urls
    archived = [f for f in fragments if "proc-saf-001" in str(f["url"])
                or "proc-mgt-009" in str(f["url"])]
    assert len(archived) == 2
    for record in archived:
        assert re.fullmatch(r"PROC-[A-Z]+-\d+\.?", str(record["content"]).strip()), record
    saf = next(f for f in archived if "proc-saf-001" in str(f["url"]))
    assert saf["meta"]["successor"] == "PROC-HD-001"  # type: ignore[index]
    # The archive list and Material's 404 page are not searched either.
    assert not any(u.startswith("/reference/archive") or "404" in u for u in urls), urls


def test_index_weighs_the_id_and_carries_filters(search_site: Path) -> None:
    html = (search_site / "procedures/actions/act-grind-001/index.html").read_text("utf-8")
    assert re.search(r'<h1 data-pagefind-meta="title" data-pagefind-weight="10">', html)
    assert 'data-pagefind-filter="type:Standardised action"' in html
    assert 'data-pagefind-filter="area:actions"' in html
    assert 'data-pagefind-meta="id:ACT-GRIND-001"' in html
    # Exactly one marked region, on the document.
    assert html.count("data-pagefind-body") == 1
    archived = (search_site / "procedures/hidden-danger/proc-saf-001/index.html").read_text(
        "utf-8")
    assert "data-pagefind-body" not in archived


def test_preloaded_search_files_are_the_ones_pagefind_loads(search_site: Path) -> None:
    """Every page's head preloads Pagefind's script, its WebAssembly and the
    bundle list: each is a file of the index, the WebAssembly the one the
    main bundle names (a wrong guess would load 70 KB for nothing)."""
    entry = json.loads((search_site / BUNDLE / "pagefind-entry.json").read_text("utf-8"))
    wasm = {f"wasm.{lang['wasm'] or 'unknown'}.pagefind" for lang in entry["languages"].values()}
    for page in ("index.html", "procedures/actions/act-grind-001/index.html"):
        html = (search_site / page).read_text("utf-8")
        links = re.findall(r'<link rel="(preload|modulepreload)" href="([^"]+)"', html)
        hrefs = {href.rsplit("/", 1)[-1]: href for _, href in links if "pagefind/" in href}
        assert set(hrefs) == {"pagefind.js", "safetykb-search.json"} | wasm, hrefs
        for href in hrefs.values():
            assert (search_site / page).parent.joinpath(href).resolve().is_file(), href


def test_indexer_reads_the_searchable_region_only(search_site: Path, tmp_path: Path) -> None:
    from safetykb.search import REGION_END, REGION_START, build_index, search_view

    text = (search_site / "procedures/hidden-danger/proc-hd-001/index.html").read_text("utf-8")
    view = search_view(text, "en")
    assert 'class="md-nav' in text and 'class="md-nav' not in view
    assert "data-pagefind-body" in view and len(view) < len(text) / 2
    assert view.startswith('<!doctype html><html lang="en">') and "<title>" in view
    # The same records as when Pagefind reads the whole pages (markers taken out).
    region, whole = tmp_path / "region", tmp_path / "whole"
    for copy in (region, whole):
        shutil.copytree(search_site, copy)
    for path in whole.rglob("*.html"):
        page = path.read_text("utf-8")
        if REGION_START in page:
            path.write_text(page.replace(REGION_START, "").replace(REGION_END, ""), "utf-8")
    found = []
    for copy in (region, whole):
        build_index(copy)
        found.append(sorted(json.dumps(f, sort_keys=True) for f in _fragments(copy)))
    assert len(found[0]) > 10
    assert found[0] == found[1]


def test_pagefind_runs_with_freed_memory_returned_at_once(tmp_path: Path) -> None:
    """The installed Pagefind reads the allocator settings build_index gives
    it (an upgrade that drops jemalloc makes this fail: measure its memory
    at 5000 documents again), and they are valid: an invalid setting stops
    it when abort_conf is on."""
    import os
    import subprocess

    from safetykb.search import MALLOC_CONF, MALLOC_ENV, _pagefind_binary

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text('<html lang="en"><body><main data-pagefind-body>'
                                     "<h1>Lockout</h1><p>Isolate the energy.</p></main>"
                                     "</body></html>", "utf-8")

    def pagefind(conf: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, MALLOC_ENV: conf}
        return subprocess.run([_pagefind_binary(), "--site", str(site), "--output-path",
                               str(tmp_path / "out"), "--quiet"],
                              capture_output=True, text=True, env=env, timeout=120)

    refused = pagefind("abort_conf:true,no_such_setting:1")
    assert refused.returncode != 0 and "no_such_setting" in refused.stderr
    ours = pagefind(f"abort_conf:true,{MALLOC_CONF}")
    assert ours.returncode == 0, ours.stderr
    assert (tmp_path / "out" / "pagefind.js").is_file()


def test_shard_count() -> None:
    assert [shard_count(n) for n in (0, 1, SHARD_PAGES)] == [1, 1, 1]
    assert shard_count(SHARD_PAGES + 1) == 2
    assert shard_count(5 * SHARD_PAGES) == 5
    assert shard_count(100 * SHARD_PAGES) == MAX_SHARDS
    assert shard_count(7, shard_pages=3) == 3


def _records_by_url(site: Path, bundle: str) -> dict[str, dict[str, object]]:
    """The records of one bundle folder (not those of the bundles inside it)."""
    out = {}
    for path in (site / BUNDLE / bundle / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        record = json.loads(raw[raw.index(b"{"):])
        out[str(record["url"])] = record
    return out


def test_a_large_language_is_split_into_shards(search_site: Path, tmp_path: Path) -> None:
    """Over the threshold, each language's pages are shared out among shards:
    every page in exactly one, the same one in every build, the records
    unchanged; the manifest lists the shards after their language's first."""
    one = manifest(search_site)
    assert one["bundles"] == ["", "zh/"]
    whole = {url: r for b in one["bundles"] for url, r in _records_by_url(search_site, b).items()}
    language = {url: "en" if b == "" else "zh"
                for b in one["bundles"] for url in _records_by_url(search_site, b)}
    en = sum(1 for lang in language.values() if lang == "en")
    assert en > 12
    sharded = shard_search_site(search_site, tmp_path / "a", shard_pages=6)
    data = manifest(sharded)
    shards = -(-en // 6)
    assert data["bundles"][:shards] == [""] + [f"en-{n}/" for n in range(2, shards + 1)]
    assert data["bundles"][shards] == "zh/" and data["languages"] == ["en", "zh"]
    seen: dict[str, str] = {}
    hidden = set(data["hidden"])
    for bundle in data["bundles"]:
        records = _records_by_url(sharded, bundle)
        if bundle != "zh/":
            # Each English shard lists every English word, under an id the box hides.
            words = records.pop(f"/{WORDS_URL}/")
            assert {"acetylene", "lockout", "Lockout"} <= set(str(words["content"]).split())
            stems = {p.stem for p in (sharded / BUNDLE / bundle / "fragment").glob("*")
                     if p.stem in hidden}
            assert len(stems) == 1, (bundle, stems)
        assert records, bundle
        lang = "en" if bundle == "" or bundle.startswith("en-") else "zh"
        assert {language[url] for url in records} == {lang}, bundle
        for url, record in records.items():
            assert url not in seen, (url, bundle, seen.get(url))
            seen[url] = bundle
            assert record == whole[url]
    assert set(seen) == set(whole)
    # (The lists of one language are alike: one id, the same in every shard.)
    assert len(hidden) == 1
    again = shard_search_site(search_site, tmp_path / "b", shard_pages=6)
    assert {url: b for b in data["bundles"] for url in _records_by_url(again, b)
            if url != f"/{WORDS_URL}/"} == seen


def test_manifest_lists_the_startup_files_of_every_bundle(search_site: Path,
                                                          tmp_path: Path) -> None:
    """Each bundle's entry file (with the index's tag, as Pagefind asks for
    it when given the tag) and the metadata file that entry names."""
    sharded = shard_search_site(search_site, tmp_path / "s", shard_pages=6)
    for site in (search_site, sharded):
        data = manifest(site)
        tag = data["tag"]
        assert re.fullmatch(r"[0-9a-f]{12}", tag)
        expected = []
        for bundle in data["bundles"]:
            entry = json.loads((site / BUNDLE / bundle / "pagefind-entry.json").read_text("utf-8"))
            expected.append(f"{bundle}pagefind-entry.json?ts={tag}")
            expected += [f"{bundle}pagefind.{lang['hash']}.pf_meta"
                         for lang in entry["languages"].values()]
        assert data["preload"] == expected
        for file in data["preload"]:
            assert (site / BUNDLE / file.split("?")[0]).is_file(), file
    # A different index, a different tag (a browser never reuses a stale entry).
    assert manifest(sharded)["tag"] != manifest(search_site)["tag"]


def test_bundles_hold_only_what_the_search_box_loads(search_site: Path, tmp_path: Path) -> None:
    """Pagefind's own interfaces and worker are not published; a merged
    bundle (another language, a shard) has no script or WebAssembly of its
    own: the main bundle's serve every bundle."""
    from safetykb.search import UNUSED

    sharded = shard_search_site(search_site, tmp_path / "s", shard_pages=6)
    for site in (search_site, sharded):
        data = manifest(site)
        for bundle in data["bundles"]:
            folder = site / BUNDLE / bundle
            names = {p.name for p in folder.iterdir() if p.is_file()}
            assert not names & set(UNUSED), (bundle, names)
            if bundle:
                assert "pagefind.js" not in names and not any(
                    n.startswith("wasm.") for n in names), (bundle, names)
            else:
                assert {"pagefind.js", "wasm.en.pagefind"} <= names, names
