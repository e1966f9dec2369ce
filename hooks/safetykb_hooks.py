"""MkDocs hooks: a thin adapter between MkDocs and the safetykb core.

All logic (loading, checking, rendering, what is current) lives in the
``safetykb`` package; these functions only hand its results to MkDocs.

- ``on_config``: load and check the knowledge base; any error fails the build
  with the same ``path:line:col: level RULE-ID message`` lines as
  ``safetykb check``. Under ``mkdocs serve`` unchanged files are not parsed
  again.
- ``on_files``: publish the documents of ``procedures/`` and ``checklists/``
  (as files of their own, so ``serve --dirty`` rebuilds only what changed)
  and the generated reference pages, next to ``docs/``.
- ``on_nav``: page titles from the front matter, also for pages a dirty
  rebuild did not read.
- ``on_page_read_source``: the page Markdown rendered by the core.
- ``on_post_page``: the core finishes the page (puts in the header block).
- ``on_serve``: ``mkdocs serve`` watches only ``docs/``; also watch the
  content folders that exist and ``safetykb.yml``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from safetykb.config import CONFIG_NAME, ConfigError
from safetykb.linter import check_paths
from safetykb.site import SitePage, generated_dir, site_pages, write_generated

_pages: dict[str, SitePage] = {}
_watch: list[Path] = []


def on_config(config):  # type: ignore[no-untyped-def]
    root = Path(config.config_file_path).parent
    if not config.use_directory_urls:
        raise PluginError("safetykb: pages link to each other with directory URLs; "
                          "remove use_directory_urls: false from mkdocs.yml")
    started = time.perf_counter()
    try:
        kb, problems = check_paths(root, cache=True)
    except ConfigError as exc:
        raise PluginError(f"safetykb: configuration error: {exc}") from None
    for problem in problems:
        print(problem.format_text(), file=sys.stderr)
    errors = sum(p.level == "error" for p in problems)
    if errors:
        raise PluginError(f"safetykb: {errors} error(s) in the knowledge base; nothing was built")
    print(f"safetykb: {len(kb.documents)} documents checked in "
          f"{time.perf_counter() - started:.2f} s", file=sys.stderr)
    _pages.clear()
    _pages.update((page.uri, page) for page in site_pages(kb))
    _watch[:] = [p for p in [*(root / d for d in kb.config.content_dirs), root / CONFIG_NAME]
                 if p.exists()]
    return config


def on_files(files: Files, config) -> Files:  # type: ignore[no-untyped-def]
    root = Path(config.config_file_path).parent.resolve()
    docs_prefix = Path(os.path.relpath(Path(config.docs_dir).resolve(), root)).as_posix()
    for file in files.documentation_pages():
        file.edit_uri = f"{docs_prefix}/{file.src_uri}"
    # Generated pages are files rewritten only when they change, so that
    # `serve --dirty` does not rebuild them on every edit.
    generated = generated_dir()
    write_generated(list(_pages.values()), generated)
    for page in _pages.values():
        if files.get_file_from_path(page.uri) is not None:
            raise PluginError(f"safetykb: {page.uri} exists in {docs_prefix}/ and is also "
                              "published from the knowledge base; rename one")
        inclusion = InclusionLevel.INCLUDED if page.listed else InclusionLevel.NOT_IN_NAV
        src_dir = root if page.source is not None else generated
        file = File(page.uri, str(src_dir), config.site_dir, config.use_directory_urls,
                    inclusion=inclusion)
        file.edit_uri = page.edit_path
        files.append(file)
    return files


def on_nav(nav, config, files):  # type: ignore[no-untyped-def]
    for page in nav.pages:
        ours = _pages.get(page.file.src_uri)
        if ours is not None:
            page.title = ours.title
    return nav


def on_page_read_source(page, config):  # type: ignore[no-untyped-def]
    ours = _pages.get(page.file.src_uri)
    return ours.markdown if ours is not None and ours.source is not None else None


def on_post_page(output, page, config):  # type: ignore[no-untyped-def]
    ours = _pages.get(page.file.src_uri)
    return ours.finish(output) if ours is not None else output


def on_serve(server, config, builder):  # type: ignore[no-untyped-def]
    # MkDocs polls for changes every 0.5 s; the documents are polled every
    # 0.1 s (a stat of each file) so that an edit shows sooner. Private to
    # watchdog's observer, hence guarded: without it the default applies.
    if isinstance(getattr(server.observer, "_timeout", None), (int, float)):
        server.observer._timeout = 0.1
    for path in _watch:
        server.watch(str(path))
    return server
