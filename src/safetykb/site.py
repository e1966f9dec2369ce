"""What the site publishes, independent of the site generator.

:func:`site_pages` turns a checked knowledge base into a list of pages (URI,
Markdown, where to edit it, whether it is listed and searched). The MkDocs
hooks only hand these to MkDocs; another generator would do the same. Pages
are published with directory URLs (``procedures/a/x.md`` at
``procedures/a/x/``), which links written as raw HTML rely on.
"""

from __future__ import annotations

import atexit
import json
import os
import posixpath
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .current import is_archived, is_current
from .model import Document, KnowledgeBase
from .register import md_cell, register_rows
from .render import header_block, insert_header, page_markdown, rules_reference_markdown

RULES_PAGE = "reference/rules.md"
REGISTER_PAGE = "reference/register.md"
ARCHIVE_PAGE = "reference/archive.md"


@dataclass(frozen=True)
class SitePage:
    """One page to publish.

    ``uri`` is the Markdown source path in the site (``procedures/x.md``);
    ``edit_path`` the file to edit, relative to the knowledge-base root (None
    for generated pages); ``listed`` false keeps the page out of the
    navigation, ``searchable`` false out of the search index.
    """

    uri: str
    render: Callable[[], str]
    title: str
    edit_path: str | None
    listed: bool = True
    searchable: bool = True
    doc_id: str | None = None
    #: The document's own file, so that a generator can tell whether the page
    #: changed since it was last built; None for generated pages.
    source: Path | None = None
    #: Turns the finished HTML page into the published one (puts in the header
    #: block); a generator calls it last, after search indexing.
    finish: Callable[[str], str] = lambda html_text: html_text

    @property
    def markdown(self) -> str:
        return self.render()


#: Search weight of document pages against the generated lists (register,
#: rule reference) that mention many ids: a search for PROC-HD-001 must put
#: that document first.
DOCUMENT_BOOST = 4
LIST_BOOST = 0.25


def _front_matter(title: str, searchable: bool, boost: float | None = None,
                  keys: list[str] | None = None) -> str:
    """Front matter of a site page. ``keys`` (the document id) go into the
    search index's most heavily weighted field, so a search for an id puts
    that document first, above the pages that merely mention it."""
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    if keys and searchable:
        lines.append(f"tags: {json.dumps(keys, ensure_ascii=False)}")
    if not searchable:
        lines.append("search:\n  exclude: true")
    elif boost is not None:
        lines.append(f"search:\n  boost: {boost}")
    lines.append("---\n")
    return "\n".join(lines)


def document_page(doc: Document, kb: KnowledgeBase, by_id: dict[str, Document]) -> SitePage:
    """The page of one document; rendered only when asked (a preview that
    rebuilds one changed page renders one page)."""
    current = is_current(doc)
    # The id leads the title in the navigation and the browser tab.
    title = f"{doc.id} {doc.title}" if doc.id else doc.title
    keys = [doc.id] if doc.id else None

    def render() -> str:
        return _front_matter(title, current, DOCUMENT_BOOST, keys) + page_markdown(
            doc, kb.config.lang)

    def finish(html_text: str) -> str:
        return insert_header(html_text, header_block(doc, doc.lang or kb.config.lang,
                                                     by_id.get))

    return SitePage(uri=doc.relpath, render=render, title=title, edit_path=doc.relpath,
                    listed=current, searchable=current, doc_id=doc.id, source=doc.path,
                    finish=finish)


def _generated(uri: str, title: str, text: str, searchable: bool = True) -> SitePage:
    content = _front_matter(title, searchable, LIST_BOOST) + text
    return SitePage(uri, lambda: content, title, None, searchable=searchable)


def _link(page_uri: str, target: str) -> str:
    """Relative Markdown link from a generated page to a document's file."""
    return posixpath.relpath(target, posixpath.dirname(page_uri))


def _register_page(kb: KnowledgeBase) -> str:
    rows = register_rows(kb)
    lines = ["# Document register", "",
             "Every document in force or in draft, by id. Superseded and withdrawn "
             f"documents are in the [archive]({posixpath.basename(ARCHIVE_PAGE)}).", "",
             "| Id | Title | Type | Rev. | Status | Owner | Review due |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        cells = [f"[{row['id']}]({_link(REGISTER_PAGE, row['path'])})"]
        cells += [md_cell(row[c]) for c in ("title", "type", "revision", "status", "owner",
                                            "review_due")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _archive_page(kb: KnowledgeBase) -> str:
    by_id = kb.by_id()
    lines = ["# Archive", "",
             "Superseded and withdrawn documents, kept for reference. **They are not in "
             "force**: use the successor named on each page.", "",
             "| Id | Title | Status | Successor |", "|---|---|---|---|"]
    archived = sorted((d for d in kb.documents if d.fm_ok and is_archived(d)),
                      key=lambda d: d.id or "")
    for doc in archived:
        successor = doc.meta.get("superseded_by") or ""
        target = by_id.get(successor) if isinstance(successor, str) else None
        shown = (f"[{successor}]({_link(ARCHIVE_PAGE, target.relpath)})" if target is not None
                 else md_cell(successor))
        lines.append(f"| [{doc.id}]({_link(ARCHIVE_PAGE, doc.relpath)}) | {md_cell(doc.title)} "
                     f"| {doc.status} | {shown} |")
    if not archived:
        lines.append("| | No archived documents. | | |")
    return "\n".join(lines) + "\n"


def site_pages(kb: KnowledgeBase) -> list[SitePage]:
    """Every page the knowledge base adds to the site, in path order."""
    by_id = kb.by_id()
    pages = [document_page(doc, kb, by_id) for doc in kb.documents if doc.fm_ok]
    pages.append(_generated(RULES_PAGE, "Rule reference", rules_reference_markdown()))
    pages.append(_generated(REGISTER_PAGE, "Document register", _register_page(kb)))
    pages.append(_generated(ARCHIVE_PAGE, "Archive", _archive_page(kb), searchable=False))
    return pages



def write_generated(pages: list[SitePage], directory: Path) -> None:
    """Write the generated pages (register, archive, rule reference) as files
    under ``directory``, touching only those whose text changed, so that a
    generator that rebuilds only changed files (a live preview) skips them."""
    for page in pages:
        if page.source is not None:
            continue
        target = directory / page.uri
        text = page.markdown
        if target.is_file() and target.read_text("utf-8") == text:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")


_GENERATED_PREFIX = "safetykb-pages-"


def generated_dir() -> Path:
    """This process's folder for :func:`write_generated`, in the temp folder.

    Removed at exit; folders of processes that no longer run (a preview
    stopped with SIGTERM) are removed the first time this is called.
    """
    directory = Path(tempfile.gettempdir()) / f"{_GENERATED_PREFIX}{os.getpid()}"
    if not directory.exists():
        for stale in directory.parent.glob(f"{_GENERATED_PREFIX}*"):
            pid = stale.name[len(_GENERATED_PREFIX):]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
        directory.mkdir(parents=True)
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
