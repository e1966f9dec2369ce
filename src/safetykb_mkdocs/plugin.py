"""MkDocs plugin: a thin adapter between MkDocs and the safetykb core.

All logic (loading, checking, rendering, sanitising, what is published) lives
in the ``safetykb`` package; this class hands its results to MkDocs through
MkDocs' public plugin API, with its state on the instance.

- ``on_startup``: remembers whether this is ``mkdocs serve`` (drafts are
  shown, marked, so that authors can preview them).
- ``on_config``: loads and checks the knowledge base; any error fails the
  build with the same ``path:line:col: level RULE-ID message`` lines as
  ``safetykb check``.
- ``on_files``: publishes the documents, their attachments and the generated
  reference pages as files (``File.generated``).
- ``on_env``: in the live preview, the theme's compiled templates are kept
  between rebuilds (a Jinja bytecode cache in memory).
- ``on_nav`` / ``on_page_markdown``: titles and search settings from the
  core, set as data (never as front-matter text a document could disturb),
  titles HTML-escaped (MkDocs' templates do not escape).
- ``on_page_content``: the body is the core's sanitised HTML (Python-Markdown
  never renders a controlled document); a page the sanitiser would cut, or
  whose structure differs from the checked document, fails the build.
- ``on_post_page``: the header block goes where this build's secret marker
  stands (a document cannot write it: comments are sanitised away, and the
  marker changes every build); ``<html lang>`` follows the document.
- ``on_post_build``: unpublished pages leave ``sitemap.xml``; the search
  index is verified to hold no page that must not be searched.
- ``on_serve``: also watch the content folders and ``safetykb.yml``, with
  the platform's file change events instead of MkDocs' twice-a-second
  polling (``watcher``).
"""

from __future__ import annotations

import html
import json
import logging
import os
import posixpath
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import jinja2.bccache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from safetykb.config import CONFIG_NAME, ConfigError
from safetykb.effective import apply_effective_dates
from safetykb.links import attachments, page_dir
from safetykb.linter import check_paths, default_today
from safetykb.model import KnowledgeBase
from safetykb.pdf import FontError, git_commit, start_publishing
from safetykb.permalinks import permalink_pages
from safetykb.prerender import PendingPages, PrerenderError
from safetykb.schema import schema_text
from safetykb.search import SearchIndexError, archived_records, build_index
from safetykb.site import (
    FEED,
    RULES_PAGE,
    AddressClash,
    SitePage,
    address_key,
    area_titles,
    feed,
    generated_inputs,
    site_pages,
)

from .watcher import POLL_ENV, use_change_events

log = get_plugin_logger(__name__)

#: Where the site publishes the JSON Schema of front matter.
SCHEMA_PATH = "schema/front-matter.json"
_ID_ATTR = re.compile(r'\sid="([^"]*)"')
#: The top of a document page (overrides/main.html): where "Skip to content"
#: leads. With a dot, which no heading's anchor has (slugify drops it).
DOC_ANCHOR = "skb.doc"
_HTML_LANG = re.compile(r'<html lang="[^"]*"')
#: Languages a page's interface (Material's labels) can be shown in.
PAGE_LANGUAGES = ("en", "zh")
#: The theme layer over Material, shipped with the plugin.
THEME_DIR = Path(__file__).parent / "overrides"
#: Set (to 1) by ``safetykb build --offline``: a copy that works from file://.
OFFLINE_ENV = "SAFETYKB_OFFLINE"
_SITEMAP_URL = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)


class SafetyKBPlugin(BasePlugin):  # type: ignore[type-arg]
    """``plugins: [safetykb]`` in ``mkdocs.yml``."""

    def __init__(self) -> None:
        self.pages: dict[str, SitePage] = {}
        self.kb: KnowledgeBase | None = None
        self.root = Path(".")
        self.preview = False
        self.watch: list[Path] = []
        self.sheets: Any = None
        self.dirty = False
        # The generated files (permanent addresses, schema, feed) as last
        # written, for the live preview's rebuilds; those of the build under
        # way count once it has written them (on_post_build).
        self.written: dict[str, str] = {}
        self.pending: dict[str, str] = {}
        self.rendered: PendingPages | None = None
        # The live preview's generated pages (register, tag pages...): what
        # they were made of when last built, and which were built then.
        self.built_inputs: tuple[str, frozenset[str]] | None = None
        self.inputs: tuple[str, frozenset[str]] | None = None
        self.unchanged_source: Path | None = None
        # Header blocks of pages between on_page_content and on_post_page.
        self.headers: dict[str, str] = {}
        # Where the header block goes; unknown to any document.
        self.marker = f"<!--safetykb-header-{secrets.token_hex(12)}-->"

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.preview = command == "serve"
        self.dirty = dirty
        _quiet_jieba()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).parent
        if not config.use_directory_urls:
            raise PluginError("safetykb: pages link to each other with directory URLs; "
                              "remove use_directory_urls: false from mkdocs.yml")
        started = time.perf_counter()
        try:
            kb, problems = check_paths(self.root, cache=True)
        except ConfigError as exc:
            raise PluginError(f"safetykb: configuration error: {exc}") from None
        for problem in problems:
            print(problem.format_text(), file=sys.stderr)
        errors = sum(p.level == "error" for p in problems)
        if errors:
            raise PluginError(f"safetykb: {errors} error(s) in the knowledge base; "
                              "nothing was built")
        log.info(f"{len(kb.documents)} documents checked in "
                 f"{time.perf_counter() - started:.2f} s")
        # Revisions approved ahead of their effective date: the one in force
        # is published in their place until then.
        effective = apply_effective_dates(kb, default_today())
        for note in effective.notes:
            log.info(note)
        for warning in effective.warnings:
            # (Not MkDocs' logger: `strict` would stop the build on them.)
            print(f"safetykb: warning: {warning}", file=sys.stderr)
        self.kb = kb
        # One address of the site for sheets, permanent addresses, the feed,
        # the print notice and MkDocs' sitemap.xml and canonical links:
        # safetykb.yml's site_url, else mkdocs.yml's. (`serve` keeps the
        # address of the preview server that MkDocs set.)
        if kb.config.site_url and not self.preview:
            config.site_url = kb.config.site_url.rstrip("/") + "/"
        elif config.site_url and not kb.config.site_url:
            kb.config.data["site_url"] = str(config.site_url)
        elif not config.site_url:
            log.info("site_url is not set (safetykb.yml or mkdocs.yml): sitemap.xml lists "
                     "no pages, feed.xml has no links and printed sheets no QR code")
        drafts = True if self.preview else None
        try:
            self.pages = {page.uri: page for page in site_pages(
                kb, drafts=drafts, repo_url=config.repo_url or "", sheets=not self.preview)}
        except AddressClash as exc:
            raise PluginError(f"safetykb: {exc}; nothing was built") from None
        # Bodies and header blocks, rendered by forked workers while MkDocs
        # reads files and builds the navigation; the live preview renders the
        # pages it rebuilds, one at a time.
        if self.rendered is not None:
            self.rendered.close()
        self.rendered = PendingPages(list(self.pages.values()), kb,
                                     jobs=1 if self.preview else None)
        self.watch = [p for p in [*(self.root / d for d in kb.config.content_dirs),
                                  self.root / CONFIG_NAME] if p.exists()]
        # The theme layer (overrides/: search box, header styles, scripts),
        # below the site's own custom_dir and above Material.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
        # Pagefind's index takes seconds to build (2.6 s at 1000 documents):
        # the live preview keeps Material's own search, rebuilt with each page.
        config.extra["safetykb_search"] = config.extra.get(
            "safetykb_search", "offline" if os.environ.get(OFFLINE_ENV)
            else "lunr" if self.preview else "pagefind")
        if config.extra["safetykb_search"] == "pagefind":
            # Pagefind serves the search: Material's lunr index (built from every
            # page, 4.6 MB at 1000 documents) would never be read. The theme
            # layer's partials/header.html still shows the search box.
            for name in ("material/search", "search"):
                search = config.plugins.get(name)
                if search is not None and hasattr(search.config, "enabled"):
                    search.config.enabled = False
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        root = self.root.resolve()
        docs_prefix = Path(config.docs_dir).resolve().relative_to(root).as_posix() \
            if Path(config.docs_dir).resolve().is_relative_to(root) else config.docs_dir
        for file in files.documentation_pages():
            file.edit_uri = quote(f"{docs_prefix}/{file.src_uri}")
        # A page of docs/ published where a page of the knowledge base is
        # (docs/what-changed/index.md, Reference/Register.md) would replace it.
        ours = {address_key(page.uri): page.uri for page in self.pages.values()}
        for file in files.documentation_pages():
            clash = ours.get(address_key(file.src_uri))
            if clash is not None:
                raise PluginError(f"safetykb: {docs_prefix}/{file.src_uri} would be published "
                                  f"where the knowledge base publishes {clash} "
                                  f"(/{page_dir(clash)}); rename or move it")
        kept = self._kept_generated_pages()
        for page in self.pages.values():
            inclusion = InclusionLevel.INCLUDED if page.listed else InclusionLevel.NOT_IN_NAV
            if page.source is not None:
                file = File.generated(config, page.uri, abs_src_path=str(page.source),
                                      inclusion=inclusion)
            elif page.uri in kept:
                # Older than the page written: MkDocs' dirty build leaves it.
                file = File.generated(config, page.uri, abs_src_path=str(kept[page.uri]),
                                      inclusion=inclusion)
            else:
                file = File.generated(config, page.uri, content="", inclusion=inclusion)
            file.edit_uri = quote(page.edit_path) if page.edit_path else None
            files.append(file)
        assert self.kb is not None
        for relpath in sorted(attachments(self.kb, set(self.pages))):
            if files.get_file_from_path(relpath) is None:
                files.append(File.generated(config, relpath, abs_src_path=str(root / relpath)))
        # The front-matter JSON Schema, for editors that validate while typing.
        files.append(self._generated(config, SCHEMA_PATH, schema_text()))
        # The "What changed" feed, for feed readers.
        files.append(self._generated(config, FEED, feed(self.kb)))
        # Permanent addresses id/<ID>/ (printed on the sheets as QR codes).
        for relpath, text in permalink_pages(self.kb, drafts=self.preview).items():
            files.append(self._generated(config, relpath, text))
        # The printed sheets, written into the site folder (already cleaned) by
        # a worker process while MkDocs builds the pages. Not in the live
        # preview: thousands of sheets compete with every rebuild for the CPU
        # (`safetykb pdf ID` prints one sheet there; pages show no print link).
        if not self.preview:
            try:
                self.sheets = start_publishing(self.kb, Path(config.site_dir),
                                               commit=git_commit(self.root))
            except (FontError, ConfigError) as exc:
                raise PluginError(f"safetykb: printed sheets: {exc}") from None
        return files

    def _kept_generated_pages(self) -> dict[str, Path]:
        """In the live preview's rebuilds, the generated pages (register, tag
        pages, What changed...) that need not be built again, each with a
        stand-in source older than any page: nothing they are made of
        changed since they were written (an edit of a document's body, the
        usual save). Rendering the register and the tag pages again, and
        Material indexing them for its search, was most of a rebuild."""
        assert self.kb is not None
        if not (self.preview and self.dirty):
            return {}
        generated = frozenset(uri for uri, page in self.pages.items() if page.source is None)
        self.inputs = (generated_inputs(self.kb, drafts=True), generated)
        if self.built_inputs is None or self.built_inputs[0] != self.inputs[0]:
            return {}
        if self.unchanged_source is None or not self.unchanged_source.is_file():
            fd, name = tempfile.mkstemp(prefix="safetykb-unchanged-", suffix=".md")
            os.close(fd)
            os.utime(name, (0, 0))
            self.unchanged_source = Path(name)
        return {uri: self.unchanged_source for uri in generated & self.built_inputs[1]}

    def on_shutdown(self) -> None:
        if self.unchanged_source is not None:
            self.unchanged_source.unlink(missing_ok=True)
            self.unchanged_source = None

    def _generated(self, config: MkDocsConfig, relpath: str, text: str) -> File:
        """A generated file of the site. In the live preview's rebuilds
        (dirty, into the same folder), a file whose text has not changed is
        its own written copy, which MkDocs sees as up to date and leaves alone
        (rewriting a thousand permanent addresses after each save took longer
        than building the page that changed)."""
        if self.preview and self.dirty and self.written.get(relpath) == text:
            written = Path(config.site_dir) / relpath
            if written.is_file():
                return File.generated(config, relpath, abs_src_path=str(written))
        if self.preview:
            self.pending[relpath] = text
        return File.generated(config, relpath, content=text)

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig,
               files: Files) -> jinja2.Environment:
        # Each rebuild of the live preview starts a new template environment,
        # which compiled the theme's 40 templates again; their compiled code
        # is kept (Jinja compares each template's source before using it).
        if self.preview:
            env.bytecode_cache = _TEMPLATE_CODE
        return env

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        for page in nav.pages:
            ours = self.pages.get(page.file.src_uri)
            if ours is not None:
                page.title = html.escape(ours.title)
        if self.kb is not None:
            _name_sections(nav.items, area_titles(self.kb))
        if not config.nav:  # a nav written in mkdocs.yml is kept as written
            _authors_last(nav)
        return nav

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        # The core renders the body; MkDocs' Markdown engine gets nothing to read.
        return "" if page.file.src_uri in self.pages else None

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        ours = self.pages.get(page.file.src_uri)
        if ours is None:
            return markdown
        # Set as data after MkDocs read the (empty) source: nothing a document
        # writes can switch search exclusion off or change the title.
        page.meta = {"title": html.escape(ours.title)}
        if ours.lang in PAGE_LANGUAGES:
            # The interface in the page's language (partials/language.html).
            page.meta["skb_lang"] = ours.lang
        if ours.hide:
            page.meta["hide"] = list(ours.hide)
        if ours.searchable:
            page.meta["search"] = {"boost": ours.boost}
            if ours.search_keys:
                page.meta["tags"] = ours.search_keys
        else:
            page.meta["search"] = {"exclude": True}
        return ""

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        ours = self.pages.get(page.file.src_uri)
        if ours is None:
            return html_text
        assert self.rendered is not None
        try:
            done = self.rendered.get(ours.uri)
        except PrerenderError as exc:
            raise PluginError(f"safetykb: {exc}") from None
        rendered = done.rendered
        where = ours.edit_path or ours.uri
        old = ours.document if ours.document and ours.document.next_revision else None
        if rendered.removed and old is not None:
            # The revision in force, read back from git: it cannot be edited.
            raise PluginError(
                f"safetykb: {where}: revision {old.meta.get('revision')}, read from git as the "
                f"revision in force until {old.next_revision.takes_effect}, would lose content "
                f"to the HTML sanitiser ({'; '.join(rendered.removed)}); it cannot be edited: "
                f"bring the effective date of revision {old.next_revision.meta.get('revision')} "
                "forward, or approve a revision in force today that fixes it")
        if rendered.removed:
            raise PluginError(f"safetykb: {where}: the published page would lose content to "
                              f"the HTML sanitiser ({'; '.join(rendered.removed)}); remove it "
                              "from the document (HT001 lists what is allowed)")
        if done.mismatch:
            raise PluginError(f"safetykb: {where}: the published page differs from the "
                              f"checked document: {done.mismatch}")
        self.headers[ours.uri] = done.header
        toc = rendered.toc
        if ours.document is not None:
            # Material's "Skip to content" leads to the first entry of the
            # table of contents (the first "##" heading, past the banner, the
            # title and the header): a level-1 entry for the page's top
            # (main.html's id), whose children Material shows as the contents.
            toc = [{"level": 1, "id": DOC_ANCHOR, "name": html.escape(ours.title),
                    "children": toc}]
        page.toc = get_toc(toc)  # type: ignore[arg-type]
        # What MkDocs checks links to anchors against (validation.anchors).
        page.present_anchor_ids = {html.unescape(m) for m in _ID_ATTR.findall(rendered.html)}
        return (self.marker if ours.source is not None else "") + rendered.html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # Feed readers find "What changed" from any page. ("alternate feed":
        # Material fetches the whole sitemap.xml for every rel="alternate"
        # exactly, on every page load: 600 KB at 5000 documents.)
        feed_href = "../" * page.url.count("/") + FEED
        output = output.replace("</head>", '<link rel="alternate feed" type="application/atom+xml" '
                                f'title="What changed" href="{feed_href}"></head>', 1)
        ours = self.pages.get(page.file.src_uri)
        if ours is None:
            return output
        if ours.lang != config.theme.get("language", "en"):
            output = _HTML_LANG.sub(f'<html lang="{html.escape(ours.lang)}"', output, count=1)
        if ours.source is None:
            return output
        if output.count(self.marker) != 1:
            raise PluginError(f"safetykb: {ours.uri}: the header block has no unique place "
                              "in the page")
        header = self.headers.pop(ours.uri, None)
        if header is None:
            # Its banner (draft, superseded) must never go missing unnoticed.
            raise PluginError(f"safetykb: {ours.uri}: the header block was not rendered")
        return output.replace(self.marker, header, 1)

    def on_build_error(self, *, error: Exception) -> None:
        if self.rendered is not None:
            self.rendered.close()
        # What a failed build wrote of its generated files is not known:
        # the next one writes them all again.
        for relpath in self.pending:
            self.written.pop(relpath, None)
        self.pending.clear()
        self.built_inputs = self.inputs = None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.written.update(self.pending)
        self.pending.clear()
        self.built_inputs, self.inputs = self.inputs, None
        if self.rendered is not None:
            self.rendered.close()
            self.rendered = None
        if self.sheets is not None:
            try:
                self.sheets.wait()
            except (FontError, ConfigError) as exc:
                raise PluginError(f"safetykb: printed sheets: {exc}") from None
            finally:
                self.sheets = None
        site = Path(config.site_dir)
        hidden = {page_dir(p.uri) for p in self.pages.values() if not p.searchable}
        _prune_sitemap(site / "sitemap.xml", hidden, config.site_url or "")
        if config.extra.get("safetykb_search") == "pagefind" and self.kb is not None:
            try:
                report = build_index(site, exclude=hidden, archived=archived_records(self.kb),
                                     default_lang=self.kb.config.lang)
            except SearchIndexError as exc:
                raise PluginError(f"safetykb: search index: {exc}; nothing was published") \
                    from None
            log.info(f"search index: {len(report.urls)} pages, {len(report.records)} archived "
                     f"ids in {report.seconds:.2f} s")
        elif config.extra.get("safetykb_search") == "offline":
            from safetykb.offline import make_offline

            make_offline(site)
        index = site / "search" / "search_index.json"
        # (The live preview publishes nothing, and shows drafts.)
        if index.is_file() and not self.preview:
            data: dict[str, Any] = json.loads(index.read_text("utf-8"))
            for entry in data.get("docs", []):
                location = str(entry.get("location", "")).split("#", 1)[0]
                if location in hidden:
                    raise PluginError(f"safetykb: the search index holds {location}, a page "
                                      "that must not be searched (superseded, withdrawn or "
                                      "draft); nothing was published")

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if os.environ.get(POLL_ENV) == "1":
            log.info("looking for changes twice a second (--poll)")
        else:
            use_change_events(server)
        for path in self.watch:
            server.watch(str(path))
        return server


class _KeptBytecode(jinja2.BytecodeCache):
    """Compiled templates, kept in memory for the life of the process."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _KeptBytecode()


def _quiet_jieba() -> None:
    """jieba (Chinese words for the search index, imported by Material's
    search plugin) logs "Building prefix dict ..." and "Loading model cost
    ..." at debug level to stderr on every build; only its warnings and
    errors are worth a line. (Its ``setLogLevel`` sets this logger's level;
    set here it holds whether or not jieba is imported yet.)"""
    logging.getLogger("jieba").setLevel(logging.WARNING)


def _authors_last(nav: Navigation) -> None:
    """The "For authors" section after the plant's own ones (MkDocs orders
    folders by name: it stood between Checklists and Procedures, so the last
    checklist's "Next" was the rule reference); the previous and next links
    follow the new order."""
    folder = posixpath.dirname(RULES_PAGE)
    moved = [item for item in nav.items if isinstance(item, Section)
             and _name_sections(item.children, {}) == folder]
    if not moved:
        return
    nav.items = [item for item in nav.items if item not in moved] + moved
    pages: list[Page] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, Section):
                walk(item.children)
            elif isinstance(item, Page):
                pages.append(item)

    walk(nav.items)
    nav.pages = pages
    for index, page in enumerate(pages):
        page.previous_page = pages[index - 1] if index else None
        page.next_page = pages[index + 1] if index + 1 < len(pages) else None


def _name_sections(items: list[Any], titles: dict[str, str]) -> str | None:
    """Give the navigation's folder sections the area names of ``titles``
    (MkDocs writes folder ``hd`` as "Hd"); returns the folder of ``items``."""
    folder: str | None = None
    for item in items:
        if isinstance(item, Section):
            inner = _name_sections(item.children, titles)
            if inner is not None:
                if inner in titles:
                    item.title = html.escape(titles[inner])
                folder = folder or posixpath.dirname(inner)
        elif isinstance(item, Page) and item.file is not None:
            folder = folder or posixpath.dirname(item.file.src_uri)
    return folder


def _prune_sitemap(path: Path, hidden: set[str], site_url: str) -> None:
    """Drop pages that are not in force from ``sitemap.xml`` (crawlers and
    intranet search appliances read it)."""
    if not path.is_file() or not hidden:
        return
    text = path.read_text("utf-8")
    base = site_url.rstrip("/") + "/" if site_url else ""

    def keep(match: re.Match[str]) -> str:
        loc = html.unescape(match.group(1))
        rel = loc[len(base):] if base and loc.startswith(base) else loc.lstrip("/")
        return "" if rel in hidden else match.group(0)

    pruned = _SITEMAP_URL.sub(keep, text)
    if pruned != text:
        path.write_text(pruned, "utf-8")
        gz = path.with_name("sitemap.xml.gz")
        if gz.is_file():
            import gzip

            gz.write_bytes(gzip.compress(pruned.encode("utf-8"), mtime=0))
