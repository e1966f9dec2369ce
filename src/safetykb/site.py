"""What the site publishes, independent of the site generator.

:func:`site_pages` turns a checked knowledge base into a list of pages (URI,
Markdown, where to edit it, whether it is listed and searched). The MkDocs
hooks only hand these to MkDocs; another generator would do the same. Pages
are published with directory URLs (``procedures/a/x.md`` at
``procedures/a/x/``), which links written as raw HTML rely on.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .current import is_archived, is_current, is_draft, is_published
from .history import (
    History,
    atom_feed,
    history_html,
    kb_history,
    recent_marker_html,
    what_changed_markdown,
)
from .links import page_dir, relative_url
from .linter import default_today
from .markdown import escape_text
from .model import Document, KnowledgeBase
from .pdf import sheet_href
from .register import register_rows
from .render import (
    RenderedPage,
    document_html,
    header_block,
    render_markdown,
    rules_reference_markdown,
    used_by_map,
)
from .sanitize import escape

#: Under "For authors" in the navigation (the folder names the section).
RULES_PAGE = "for-authors/rules.md"
REGISTER_PAGE = "reference/register.md"
ARCHIVE_PAGE = "reference/archive.md"
#: The last approved revisions, for employees, and its Atom feed.
WHAT_CHANGED_PAGE = "what-changed.md"
FEED = "feed.xml"
RECENT_LIMIT = 50
#: Pages changed this many days ago or less carry a "changed recently" marker.
RECENT_DAYS = 30


@dataclass(frozen=True)
class SitePage:
    """One page to publish, ready for any site generator.

    ``uri`` is the page's source path in the site (``procedures/x.md``);
    ``title`` is plain text (the generator escapes it wherever it shows it);
    ``edit_path`` the file to edit, relative to the knowledge-base root (None
    for generated pages); ``listed`` false keeps the page out of the
    navigation, ``searchable`` false out of the search index. ``render``
    gives the body as sanitised HTML (the generator does not render it
    again) and ``header`` the document's header block, which the generator
    puts above the body after search indexing.
    """

    uri: str
    render: Callable[[], RenderedPage]
    title: str
    edit_path: str | None
    listed: bool = True
    searchable: bool = True
    doc_id: str | None = None
    #: The document's own file, so that a generator can tell whether the page
    #: changed since it was last built; None for generated pages.
    source: Path | None = None
    header: Callable[[], str] = lambda: ""
    #: Search weight (documents above the lists that merely mention ids).
    boost: float = 1.0
    #: Language of the page (``<html lang>``).
    lang: str = "en"

    @property
    def search_keys(self) -> list[str]:
        """Terms the search index weighs most (the id), so a search for an id
        puts that document first, above the pages that merely mention it."""
        return [self.doc_id] if self.doc_id and self.searchable else []


#: Search weight of document pages against the generated lists (register,
#: rule reference) that mention many ids: a search for PROC-HD-001 must put
#: that document first.
DOCUMENT_BOOST = 4
LIST_BOOST = 0.25


def document_page(doc: Document, kb: KnowledgeBase, by_id: dict[str, Document],
                  drafts: bool = False,
                  used_by: dict[str, list[Document]] | None = None,
                  history: History | None = None, repo_url: str = "",
                  sheets: bool = True) -> SitePage:
    """The page of one document; rendered only when asked (a preview that
    rebuilds one changed page renders one page). ``sheets``: the site
    publishes the printed sheets (a live preview does not)."""
    current = is_current(doc) or (drafts and is_draft(doc))
    # The id leads the title in the navigation and the browser tab.
    title = f"{doc.id} {doc.title}" if doc.id else doc.title
    if is_draft(doc):
        title += " (draft)" if (doc.lang or kb.config.lang) == "en" else "（草稿）"
    lang = doc.lang or kb.config.lang

    def header() -> str:
        users = [d for d in (used_by or {}).get(doc.id or "", []) if is_published(d, drafts)]
        out = header_block(doc, lang, by_id.get, used_by=users)
        if history is not None:
            revisions = history.get(doc.relpath, [])
            out += recent_marker_html(revisions, default_today(), RECENT_DAYS, lang)
            out += history_html(revisions, repo_url, lang, note=history.note)
        sheet = sheet_href(doc) if current and sheets else None
        if sheet is not None:
            link = escape(quote(posixpath.relpath(sheet, page_dir(doc.relpath) or ".")))
            label = "打印（PDF）" if lang == "zh" else "Print (PDF)"
            out += f'<p class="skb-print"><a href="{link}" download>{label}</a></p>\n'
        return out + uncontrolled_notice(doc, kb, lang)

    return SitePage(uri=doc.relpath, render=lambda: document_html(doc, kb), title=title,
                    edit_path=doc.relpath, listed=current, searchable=current, doc_id=doc.id,
                    source=doc.path, header=header, boost=DOCUMENT_BOOST, lang=lang)


UNCONTROLLED = {
    "en": "Uncontrolled when printed: check the current revision at {where}.",
    "zh": "打印件为非受控文件：请在 {where} 核对现行版本。",
}


def uncontrolled_notice(doc: Document, kb: KnowledgeBase, lang: str) -> str:
    """The notice a page printed from the browser carries (shown in print
    only): where to check the current revision, the document's permanent
    address when ``site_url`` is set."""
    base = kb.config.site_url
    if base and doc.id:
        where = base.rstrip("/") + "/id/" + quote(doc.id) + "/"
    else:
        where = ("the site, id " if lang != "zh" else "网站（编号 ") + (doc.id or "") + \
            ("" if lang != "zh" else "）")
    text = UNCONTROLLED.get(lang, UNCONTROLLED["en"]).format(where=where)
    # Print-only: never searched (it would be the excerpt of every id search).
    return f'<p class="skb-uncontrolled" data-pagefind-ignore>{escape(text)}</p>\n'


def _generated(kb: KnowledgeBase, uri: str, title: str, text: str,
               searchable: bool = True) -> SitePage:
    def render() -> RenderedPage:
        return render_markdown(text, frozenset())

    return SitePage(uri, render, title, None, searchable=searchable, boost=LIST_BOOST,
                    lang=kb.config.lang)


def _link(page_uri: str, target: str) -> str:
    """Relative URL from a generated page to a document's page (generated
    pages are rendered by the core, so links are written as URLs)."""
    # Percent-encoded: a file name can hold anything Markdown would read.
    return quote(relative_url(page_uri, page_dir(target)))


def _register_page(kb: KnowledgeBase, drafts: bool) -> str:
    wanted = {d.relpath for d in kb.documents if is_current(d) or (drafts and is_draft(d))}
    rows = [row for row in register_rows(kb, everything=True) if row["path"] in wanted]
    lines = ["# Document register", "",
             "Every document in force, by id. Superseded and withdrawn "
             f"documents are in the [archive]({posixpath.basename(ARCHIVE_PAGE)}).", "",
             "| Id | Title | Type | Rev. | Status | Owner | Effective | Review due |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        cells = [f"[{escape_text(row['id'])}]({_link(REGISTER_PAGE, row['path'])})"]
        cells += [escape_text(row[c]) for c in ("title", "type", "revision", "status", "owner",
                                            "effective", "review_due")]
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
        shown = escape_text(successor)
        if target is not None:
            shown = f"[{shown}]({_link(ARCHIVE_PAGE, target.relpath)})"
        lines.append(f"| [{escape_text(doc.id)}]({_link(ARCHIVE_PAGE, doc.relpath)}) | "
                     f"{escape_text(doc.title)} | {escape_text(doc.status)} | {shown} |")
    if not archived:
        lines.append("| | No archived documents. | | |")
    return "\n".join(lines) + "\n"


def site_pages(kb: KnowledgeBase, drafts: bool | None = None,
               repo_url: str = "", sheets: bool = True) -> list[SitePage]:
    """Every page the knowledge base adds to the site, in path order.

    Drafts are left out unless ``drafts`` (a live preview, or ``site.drafts``
    in ``safetykb.yml`` for a review site); superseded and withdrawn documents
    are published for the archive, out of navigation and search. Each
    document page shows its history from git (``repo_url`` links commits).
    """
    if drafts is None:
        drafts = bool(kb.config.data.get("site", {}).get("drafts", False))
    by_id = kb.by_id()
    used_by = used_by_map(kb)
    history = kb_history(kb.root, kb.config.content_dirs)
    pages = [document_page(doc, kb, by_id, drafts, used_by, history, repo_url, sheets)
             for doc in kb.documents if doc.fm_ok and is_published(doc, drafts)]
    in_force = {d.relpath for d in kb.documents if is_current(d)}
    changes = what_changed_markdown(history, RECENT_LIMIT, kb.config.lang,
                                    link=lambda path: _link(WHAT_CHANGED_PAGE, path),
                                    only=in_force)
    pages.append(_generated(kb, WHAT_CHANGED_PAGE, "What changed", changes))
    pages.append(_generated(kb, RULES_PAGE, "Rule reference", rules_reference_markdown()))
    pages.append(_generated(kb, REGISTER_PAGE, "Document register",
                            _register_page(kb, drafts)))
    pages.append(_generated(kb, ARCHIVE_PAGE, "Archive", _archive_page(kb), searchable=False))
    return pages


def feed(kb: KnowledgeBase) -> str:
    """The Atom feed of the "What changed" page (``feed.xml``): the last
    approved revisions of documents in force, with absolute links when
    ``site_url`` is set."""
    history = kb_history(kb.root, kb.config.content_dirs)
    base = kb.config.site_url.rstrip("/") + "/" if kb.config.site_url else ""
    in_force = {d.relpath for d in kb.documents if is_current(d)}
    return atom_feed(history, base, "What changed", RECENT_LIMIT,
                     link=(lambda path: base + quote(page_dir(path))) if base else None,
                     feed_url=base + FEED if base else None, only=in_force)
