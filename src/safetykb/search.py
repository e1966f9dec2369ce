"""The site's search index: Pagefind, built at the end of the site build.

Material's own search builds a lunr index *in the browser* from one JSON
file of every page on every page load (4.5 MB and 2.4 s at 1000 documents,
linear in size). Pagefind writes a prebuilt index split into small chunks:
the browser fetches only the chunks for the words typed (about 200 KB at any
size), so the first result comes in well under a second (the table is in
``developer-docs/search.md``).

What is indexed is decided by the page, not by this module: the site's theme
marks the searchable region of every page that may be searched with
``data-pagefind-body`` (documents in force, the generated lists, ordinary
pages) and leaves it off the others; :func:`build_index` indexes exactly the
files that carry it, minus ``exclude`` (pages that must never be searched:
drafts, superseded and withdrawn documents), and fails if one of those was
marked anyway. A superseded or withdrawn document is found by its *id* only,
through a small record that names its successor and leads to its archived
page (which carries the banner).

Pages are indexed in one bundle per language (``pagefind/`` for the site's
language, ``pagefind/<lang>/`` for the others), each with the language's own
word splitting (Chinese by words with Pagefind's extended build, English with
stemming); the search box merges them, so one search finds documents in
every language. No MkDocs import: the plugin calls :func:`build_index` from
its ``on_post_build``.

A language with more than :data:`SHARD_PAGES` pages is split into shards of
about that many (``pagefind/<lang>-2/`` ...; at most :data:`MAX_SHARDS`), each
page in the shard its URL hashes to. Pagefind's search (1.5) pairs every
result page with every page-word the query matched, so one bundle costs the
square of the pages a word is on: a query matching 4600 of 5000 pages took
170 ms per keystroke in one bundle, 70 ms in five. Each shard costs one more
index chunk (about 20 KB) before the first result. Shards are random samples
of one language: their word statistics, and so their scores, are nearly
those of the whole (near ties may change order), and the search box merges
them as one language. Each holds a hidden list of every word of its
language (:data:`WORDS_URL`).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import zlib
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .current import is_archived
from .links import page_dir
from .model import KnowledgeBase

#: Where the index goes in the site, and the manifest the search box reads.
BUNDLE = "pagefind"
MANIFEST = "safetykb-search.json"
BODY_MARK = "data-pagefind-body"
#: Around the searchable region of a page (the theme's main.html): only this
#: part is handed to Pagefind, not the navigation of every page.
REGION_START = "<!--skb-search-region-->"
REGION_END = "<!--/skb-search-region-->"
_TITLE = re.compile(r"<title>[^<]*</title>")
_LANG = re.compile(r'<html[^>]*\blang="([^"]*)"')
#: Pages of one language per bundle, at most: more are split into shards.
SHARD_PAGES = 1000
#: Shards of one language at most (each costs an index chunk per query).
MAX_SHARDS = 8
#: In each shard, a page of every word of its language (the text of all its
#: pages split at white space), hidden from the results by the search box
#: (the manifest's "hidden"). Pagefind searches a word no page of a bundle
#: starts with as the longest word of the bundle the query starts with
#: ("acetylene" as "a"): without the list, every shard without the word
#: would answer with such pages, where one bundle answers with the page that
#: has the word.
WORDS_URL = "_skb-words"
#: Folders of the built site that never hold pages to search.
_SKIP = {BUNDLE, "assets", "search"}


class SearchIndexError(RuntimeError):
    """The index could not be built, or would hold a page it must not."""


@dataclass(frozen=True)
class ArchivedRecord:
    """A superseded or withdrawn document: found by its id, leading to its
    archived page, which names the successor."""

    url: str
    doc_id: str
    title: str
    status: str
    lang: str
    successor: str = ""


@dataclass
class IndexReport:
    """What :func:`build_index` did: indexed URLs per language, seconds."""

    pages: dict[str, list[str]] = field(default_factory=dict)
    records: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def urls(self) -> set[str]:
        return {url for urls in self.pages.values() for url in urls}


def archived_records(kb: KnowledgeBase) -> list[ArchivedRecord]:
    """One record per superseded or withdrawn document of ``kb``."""
    out = []
    for doc in kb.documents:
        if not doc.fm_ok or not doc.id or not is_archived(doc):
            continue
        successor = doc.meta.get("superseded_by")
        out.append(ArchivedRecord(url=page_dir(doc.relpath), doc_id=doc.id, title=doc.title,
                                  status=doc.status or "", lang=doc.lang or kb.config.lang,
                                  successor=successor if isinstance(successor, str) else ""))
    return sorted(out, key=lambda r: r.doc_id)


def _url(site: Path, path: Path) -> str:
    """The site-relative URL of a built page (``a/b/`` for ``a/b/index.html``)."""
    rel = path.relative_to(site).as_posix()
    if rel == "index.html":
        return ""
    return rel[: -len("index.html")] if rel.endswith("/index.html") else rel


def search_view(text: str, lang: str) -> str:
    """What the indexer reads of a built page: its language, title and the
    searchable region the theme marks (the whole page when it marks none).
    Pagefind records only the ``data-pagefind-body`` part anyway, but it
    parses all it is given: at 1000 documents the navigation was most of
    every page."""
    start, end = text.find(REGION_START), text.rfind(REGION_END)
    if start < 0 or end < start:
        return text
    title = _TITLE.search(text, 0, start)
    return (f'<!doctype html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
            f'{title.group(0) if title else ""}</head><body>{text[start:end]}</body></html>')


def marked_pages(site: Path) -> Iterable[tuple[str, str, str]]:
    """(url, lang, html) of every built page marked for the search."""
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        if rel.parts[0] in _SKIP or rel.parts[0].startswith(".") or rel.as_posix() == "404.html":
            continue
        text = path.read_text("utf-8")
        if BODY_MARK not in text:
            continue
        lang = _LANG.search(text)
        yield _url(site, path), (lang.group(1) if lang else "en") or "en", text


def build_index(site_dir: Path, *, exclude: Collection[str] = (),
                archived: Iterable[ArchivedRecord] = (), default_lang: str = "en",
                shard_pages: int = SHARD_PAGES) -> IndexReport:
    """Index the pages of the built site in ``site_dir`` marked for search.

    ``exclude`` holds site-relative page URLs (``procedures/x/``) that must not
    be searched; a marked page among them fails the build (the theme marked a
    page it must not). ``archived`` adds id-only records for superseded and
    withdrawn documents. Writes ``pagefind/`` (and ``pagefind/<lang>/`` for
    each other language, ``pagefind/<lang>-<n>/`` for the shards of a
    language with more than ``shard_pages`` pages) and the manifest the
    search box reads.
    """
    started = time.perf_counter()
    site = Path(site_dir)
    hidden = {u.strip("/") for u in exclude}
    # Only URLs are kept: each page's searchable region is written into the
    # stage of its language as it is read, and the page let go.
    groups: dict[str, list[str]] = {}
    report = IndexReport()
    out = site / BUNDLE
    if out.exists():
        shutil.rmtree(out)
    stage_root = Path(tempfile.mkdtemp(prefix=".search-", dir=site))
    try:
        for url, lang, text in marked_pages(site):
            if url.strip("/") in hidden:
                raise SearchIndexError(f"{url} must not be searched (superseded, withdrawn or "
                                       "draft) but is marked for the search index")
            groups.setdefault(lang, []).append(url)
            _stage_page(stage_root / lang, url, search_view(text, lang))
        records = list(archived)
        for record in records:
            groups.setdefault(record.lang, [])
        if not groups:
            groups[default_lang] = []
        langs = sorted(groups, key=lambda lang: (lang != default_lang, lang))
        bundles = []
        jobs = []
        listed: list[Path] = []  # bundles with a word list (shards)
        for number, lang in enumerate(langs):
            mine = [r for r in records if r.lang == lang]
            stage = stage_root / lang
            stage.mkdir(exist_ok=True)
            for record in mine:
                _stage_page(stage, record.url, _record_page(record))
            urls = groups[lang] + [r.url for r in mine]
            stages = _shard(stage, urls, shard_count(len(urls), shard_pages), lang)
            for shard, part in enumerate(stages):
                name = lang if shard == 0 else f"{lang}-{shard + 1}"
                main = number == 0 and shard == 0
                bundles.append("" if main else f"{name}/")
                jobs.append((part, out if main else out / name, lang))
                if len(stages) > 1:
                    listed.append(jobs[-1][1])
            report.pages[lang] = groups[lang]
            report.records += [r.url for r in mine]
        # One Pagefind process per bundle, side by side.
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            for future in [pool.submit(_run_pagefind, *job) for job in jobs]:
                future.result()
    finally:
        shutil.rmtree(stage_root, ignore_errors=True)
    for number, (_, target, _) in enumerate(jobs):
        _drop_unused(target, main=number == 0)
    word_lists = sorted({record for target in listed for record in _hidden_records(target)})
    (out / MANIFEST).write_text(json.dumps(
        {"bundles": bundles, "languages": langs, "hidden": word_lists,
         **_startup_files(out, bundles)}), "utf-8")
    report.seconds = time.perf_counter() - started
    return report


#: What Pagefind writes into every bundle that the search box never loads:
#: its own user interfaces, its worker (the box runs without one) and, in a
#: merged bundle, the script and WebAssembly (the main bundle's serve all).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
          "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-highlight.js", "pagefind-worker.js")


def _drop_unused(bundle: Path, main: bool) -> None:
    """Remove from ``bundle`` the files of :data:`UNUSED` (about 460 KB; in a
    merged bundle also ``pagefind.js`` and the WebAssembly, 185 KB more)."""
    names = list(UNUSED) + ([] if main else ["pagefind.js"])
    for name in names:
        (bundle / name).unlink(missing_ok=True)
    if not main:
        for wasm in bundle.glob("wasm.*.pagefind"):
            wasm.unlink()


def _startup_files(out: Path, bundles: list[str]) -> dict[str, Any]:
    """What the search box fetches to start the engine, for the manifest.

    Pagefind reads each bundle's ``pagefind-entry.json`` first (with
    ``?ts=`` and the time, so never from the browser's cache, unless given a
    ``metaCacheTag``), then the metadata file it names. The search box
    preloads all of them at once from this list and gives Pagefind ``tag``
    (changed with every index: a hash of the entry files), so that no bundle
    waits for another's files; before, each merged bundle waited for the
    first one's WebAssembly, then fetched its two files one after the other.
    """
    entries = [(bundle, (out / bundle / "pagefind-entry.json").read_bytes()) for bundle in bundles]
    digest = hashlib.sha256(b"\0".join(raw for _, raw in entries)).hexdigest()[:12]
    files = []
    for bundle, raw in entries:
        files.append(f"{bundle}pagefind-entry.json?ts={digest}")
        for language in json.loads(raw).get("languages", {}).values():
            files.append(f"{bundle}pagefind.{language['hash']}.pf_meta")
    return {"tag": digest, "preload": files}


def shard_count(pages: int, shard_pages: int = SHARD_PAGES) -> int:
    """How many shards ``pages`` pages of one language are indexed in."""
    return max(1, min(MAX_SHARDS, -(-pages // max(1, shard_pages))))


def _shard_of(url: str, count: int) -> int:
    """The shard of the page at ``url``: from its URL, the same in every build."""
    return zlib.crc32(url.encode("utf-8")) % count


def _shard(stage: Path, urls: list[str], count: int, lang: str) -> list[Path]:
    """The pages of ``urls``, staged in ``stage`` for one language, moved
    into ``count`` stages (``stage`` itself the first) by :func:`_shard_of`
    their URL, and the language's word list (:data:`WORDS_URL`) added to
    each. (The pages are read once more for their words: how many shards a
    language needs is known only once all its pages are staged.)"""
    if count == 1:
        return [stage]
    parts = [stage] + [stage.with_name(f"{stage.name}-{n + 1}") for n in range(1, count)]
    words: set[str] = set()
    for url in urls:
        path = _staged_path(stage, url)
        words.update(_words(path.read_text("utf-8")))
        shard = _shard_of(url, count)
        if shard:
            target = _staged_path(parts[shard], url)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
    listing = _words_page(sorted(words), lang)
    for part in parts:
        _stage_page(part, f"{WORDS_URL}/", listing)
    return parts


_TAG = re.compile(r"<[^>]*>")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)


def _words(view: str) -> Iterable[str]:
    """The words of a staged page (its text split at white space and tags)."""
    body = _BODY.search(view)
    return html.unescape(_TAG.sub(" ", body.group(1) if body else view)).split()


def _words_page(words: list[str], lang: str) -> str:
    """The page that gives a shard every word of its language (see
    :data:`WORDS_URL`)."""
    return (f'<!doctype html><html lang="{html.escape(lang)}"><body><main data-pagefind-body>'
            f'<p>{html.escape(" ".join(words), quote=False)}</p></main></body></html>')


def _hidden_records(bundle: Path) -> list[str]:
    """The result id of the word list in a shard's bundle: the fragment that
    names :data:`WORDS_URL` (looked for from the largest: the list is among
    them)."""
    fragments = sorted((bundle / "fragment").glob("*.pf_fragment"),
                       key=lambda path: path.stat().st_size, reverse=True)
    for path in fragments:
        raw = gzip.decompress(path.read_bytes())
        if json.loads(raw[raw.index(b"{"):]).get("url", "").strip("/") == WORDS_URL:
            return [path.stem]
    raise SearchIndexError(f"{bundle}: the shard's word list is not in its index")


def _staged_path(stage: Path, url: str) -> Path:
    """Where the page of ``url`` is staged in ``stage`` (the built page's place)."""
    return stage / (f"{url}index.html" if url == "" or url.endswith("/") else url)


def _stage_page(stage: Path, url: str, text: str) -> None:
    """``text`` as the page of ``url`` in ``stage``."""
    target = _staged_path(stage, url)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")


def _record_page(record: ArchivedRecord) -> str:
    """A superseded or withdrawn document as the index sees it: its id only
    (nothing else of a document not in force is searched), with its status
    and successor as data for the result."""
    meta = [("id", record.doc_id), ("status", record.status)]
    if record.successor:
        meta.append(("successor", record.successor))
    data = "".join(f'<span data-pagefind-meta="{k}:{html.escape(v, quote=True)}"></span>'
                   for k, v in meta)
    return (f'<!doctype html><html lang="{html.escape(record.lang)}"><body>'
            f'<main data-pagefind-body><h1>{html.escape(record.doc_id)}</h1>{data}'
            f'<span data-pagefind-filter="status:{html.escape(record.status)}"></span>'
            "</main></body></html>")


_NOT_INSTALLED = "pagefind is not installed: pip install 'pagefind[extended]'"
#: The allocator settings Pagefind runs with. Its binary (1.5) allocates with
#: jemalloc (tikv-jemallocator, which reads ``_RJEM_MALLOC_CONF``), and
#: jemalloc keeps freed pages resident for 10 s by default: Pagefind copies
#: every parsed page once more when it groups pages by language and frees
#: them while it builds the index, so that memory was counted twice. Freed
#: pages returned at once: 551 MB -> 408 MB for the English bundle of 5000
#: documents, the same index; in one comparison the indexer took 1 to 2 s longer
#: at 5000 documents, within this machine's noise in others (developer-docs/performance.md).
MALLOC_ENV = "_RJEM_MALLOC_CONF"
MALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"


def _pagefind_binary() -> str:
    """The Pagefind executable of the installed ``pagefind`` package (run
    directly: ``python -m pagefind`` starts a Python per language only to
    exec it)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SearchIndexError(_NOT_INSTALLED) from None
    binary = get_executable()
    if binary is None or not binary.is_file():
        raise SearchIndexError(_NOT_INSTALLED)
    return str(binary)


def _run_pagefind(stage: Path, target: Path, lang: str) -> None:
    """Pagefind's own binary (the extended build, with Chinese word
    segmentation) over the staged pages of one language."""
    command = [_pagefind_binary(), "--site", str(stage),
               "--output-path", str(target), "--force-language", lang, "--quiet",
               # Material's permalink marks (¶); the revision history and print
               # link the build adds under a document's header.
               "--exclude-selectors", ".headerlink, .skb-history, .skb-history-note, .skb-print"]
    # (A setting of the caller's own wins.)
    env = {MALLOC_ENV: MALLOC_CONF, **os.environ}
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"pagefind did not run: {exc}") from exc
    if result.returncode != 0 or not (target / "pagefind.js").is_file():
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise SearchIndexError(f"pagefind failed ({result.returncode}): {detail}")


def manifest(site_dir: Path) -> dict[str, Any]:
    """The manifest written by :func:`build_index` (for tests and tools)."""
    data: dict[str, Any] = json.loads((Path(site_dir) / BUNDLE / MANIFEST).read_text("utf-8"))
    return data
