"""What the site publishes, independent of the site generator.

:func:`site_pages` turns a checked knowledge base into a list of pages (URI,
Markdown, where to edit it, whether it is listed and searched). The MkDocs
hooks only hand these to MkDocs; another generator would do the same. Pages
are published with directory URLs (``procedures/a/x.md`` at
``procedures/a/x/``), which links written as raw HTML rely on.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .current import is_archived, is_current, is_draft, is_listed, is_published
from .gitcontrol import int_value
from .history import (
    History,
    approved_ahead,
    atom_feed,
    history_html,
    kb_history,
    recent_marker_html,
    what_changed_html,
)
from .links import page_dir, relative_url, upcoming_uri
from .linter import default_today
from .listing import REGISTER_COLUMNS, document_table, page_link
from .markdown import escape_text
from .model import Document, KnowledgeBase, area_title
from .pdf import sheet_href
from .render import (
    RenderedPage,
    document_html,
    effective_notice,
    header_block,
    render_markdown,
    rules_reference_markdown,
    used_by_map,
)
from .sanitize import escape
from .tags import TagIndex

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
    #: Parts of the theme's layout the page leaves out (``toc``: the table of
    #: contents beside a wide table).
    hide: tuple[str, ...] = ()
    #: The checked document the page publishes (its structure is compared
    #: with the rendered page); None for generated pages.
    document: Document | None = None

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
                  sheets: bool = True, tags: TagIndex | None = None,
                  uri: str | None = None) -> SitePage:
    """The page of one document; rendered only when asked (a preview that
    rebuilds one changed page renders one page). ``sheets``: the site
    publishes the printed sheets (a live preview does not); ``tags``: its
    header links to the tag pages; ``uri``: where it is published when not
    at its own path (an approved revision not yet in force)."""
    uri = uri or doc.relpath
    current = is_listed(doc, drafts)
    # The id leads the title in the navigation and the browser tab.
    title = f"{doc.id} {doc.title}" if doc.id else doc.title
    if is_draft(doc):
        title += " (draft)" if (doc.lang or kb.config.lang) == "en" else "（草稿）"
    elif doc.takes_effect:
        title += " (not yet in force)" if (doc.lang or kb.config.lang) == "en" else "（尚未生效）"
    lang = doc.lang or kb.config.lang

    def header() -> str:
        users = [d for d in (used_by or {}).get(doc.id or "", []) if is_published(d, drafts)]
        out = effective_notice(doc, lang, uri)
        out += header_block(doc, lang, by_id.get, used_by=users,
                           tag_page=tags.page if tags is not None else None,
                           area_name=tags.area_name if tags is not None else area_title)
        if history is not None:
            revisions = history.get(doc.relpath, [])
            out += recent_marker_html(revisions, default_today(), RECENT_DAYS, lang)
            out += history_html(revisions, repo_url, lang, note=history.note,
                                today=default_today())
        sheet = sheet_href(doc) if current and sheets else None
        if sheet is not None:
            link = escape(quote(posixpath.relpath(sheet, page_dir(doc.relpath) or ".")))
            label = "打印（PDF）" if lang == "zh" else "Print (PDF)"
            out += f'<p class="skb-print"><a href="{link}" download>{label}</a></p>\n'
        return out + uncontrolled_notice(doc, kb, lang)

    return SitePage(uri=uri, render=lambda: document_html(doc, kb), title=title,
                    edit_path=doc.relpath, listed=current, searchable=current, doc_id=doc.id,
                    source=doc.path, header=header, boost=DOCUMENT_BOOST, lang=lang,
                    document=doc)


UNCONTROLLED = {
    "en": "Uncontrolled when printed: check the current revision at {where}.",
    "zh": "打印件为非受控文件：请在 {where} 核对现行版本。",
}
#: Without ``site_url``: no address to print, the id to look up.
UNCONTROLLED_NO_URL = {
    "en": "Uncontrolled when printed: check the current revision at the site, id {id}.",
    "zh": "打印件为非受控文件：请在网站核对现行版本（编号 {id}）。",
}


def uncontrolled_notice(doc: Document, kb: KnowledgeBase, lang: str) -> str:
    """The notice a page printed from the browser carries (shown in print
    only): where to check the current revision, the document's permanent
    address when ``site_url`` is set."""
    base = kb.config.site_url
    if base and doc.id:
        where = base.rstrip("/") + "/id/" + quote(doc.id) + "/"
        text = UNCONTROLLED.get(lang, UNCONTROLLED["en"]).format(where=where)
    else:
        text = UNCONTROLLED_NO_URL.get(lang, UNCONTROLLED_NO_URL["en"]).format(id=doc.id or "")
    # Print-only: never searched (it would be the excerpt of every id search).
    return f'<p class="skb-uncontrolled" data-pagefind-ignore>{escape(text)}</p>\n'


#: Generated pages as rendered, by their Markdown. The live preview rebuilds
#: them after every save, and mostly with the same text.
_RENDERED: dict[str, RenderedPage] = {}
_RENDERED_MAX = 16


def _render_generated(text: str) -> RenderedPage:
    rendered = _RENDERED.get(text)
    if rendered is None:
        rendered = render_markdown(text, frozenset())
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[text] = rendered
    return rendered


def _generated(kb: KnowledgeBase, uri: str, title: str, text: str,
               searchable: bool = True) -> SitePage:
    def render() -> RenderedPage:
        return _render_generated(text)

    return SitePage(uri, render, title, None, searchable=searchable, boost=LIST_BOOST,
                    lang=kb.config.lang)


def _html_page(kb: KnowledgeBase, uri: str, title: str, body: Callable[[], str],
               listed: bool = True, searchable: bool = True) -> SitePage:
    """A generated page whose body the core writes as escaped HTML."""
    # No table of contents (the pages have no sections): the table gets its width.
    return SitePage(uri, lambda: RenderedPage(body(), []), title, None, listed=listed,
                    searchable=searchable, boost=LIST_BOOST, lang=kb.config.lang,
                    hide=("toc",))


def _link(page_uri: str, target: str) -> str:
    """Relative URL from a generated page to a document's page (generated
    pages are rendered by the core, so links are written as URLs)."""
    # Percent-encoded: a file name can hold anything Markdown would read.
    return quote(relative_url(page_uri, page_dir(target)))


REGISTER_WORDS = {
    "en": {"title": "Document register",
           "intro": "Every document in force, by id (select a column heading to sort). "
                    "Superseded and withdrawn documents are in the {archive}. Also by "
                    "{area}, {workstation} and {hazard}.",
           "archive": "archive"},
    "zh": {"title": "文件清单",
           "intro": "全部现行文件，按编号排列（点击列标题排序）。已替代和已废止的文件见{archive}。"
                    "另可按{area}、{workstation}、{hazard}查看。",
           "archive": "存档"},
}


def _register_html(kb: KnowledgeBase, drafts: bool, tags: TagIndex) -> str:
    """The register page: every listed document in one sortable table, with
    links to the archive and the tag indexes. Written as escaped HTML (see
    :mod:`safetykb.listing`)."""
    lang = kb.config.lang
    words = REGISTER_WORDS.get(lang, REGISTER_WORDS["en"])
    docs = [d for d in kb.documents if d.fm_ok and d.id and is_listed(d, drafts)]

    def link(uri: str, text: str) -> str:
        return f'<a href="{page_link(REGISTER_PAGE, uri)}">{escape(text)}</a>'

    intro = escape(words["intro"]).replace("{archive}", link(ARCHIVE_PAGE, words["archive"]))
    for facet, uri, name in tags.indexes(lang):
        intro = intro.replace("{" + facet + "}", link(uri, name.lower()))
    return (f"<h1>{escape(words['title'])}</h1>\n<p>{intro}</p>\n"
            + document_table(REGISTER_PAGE, docs, REGISTER_COLUMNS, lang))


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
    tags = TagIndex(kb.documents, lambda d: is_listed(d, drafts), area_names(kb))
    pages = [document_page(doc, kb, by_id, drafts, used_by, history, repo_url, sheets, tags)
             for doc in kb.documents if doc.fm_ok and is_published(doc, drafts)]
    # Approved revisions not yet in force, beside the revision in force.
    pages += [document_page(doc.next_revision, kb, by_id, drafts, used_by, history, repo_url,
                            sheets, tags, uri=upcoming_uri(doc.relpath))
              for doc in kb.documents if doc.next_revision is not None and doc.fm_ok]
    pages += _now_in_force_pages(kb, history)
    in_force = {d.relpath for d in kb.documents if is_current(d)}
    changes = what_changed_html(history, RECENT_LIMIT, kb.config.lang,
                                link=lambda path: _link(WHAT_CHANGED_PAGE, path),
                                only=in_force, today=default_today())
    pages.append(_html_page(kb, WHAT_CHANGED_PAGE, "What changed", lambda: changes))
    pages.append(_generated(kb, RULES_PAGE, "Rule reference", rules_reference_markdown()))
    register = REGISTER_WORDS.get(kb.config.lang, REGISTER_WORDS["en"])["title"]
    pages.append(_html_page(kb, REGISTER_PAGE, register,
                            functools.partial(_register_html, kb, drafts, tags)))
    # Tag pages: the facet indexes in the navigation (under Reference), each
    # value's page out of it; lists of ids, kept out of the search.
    for uri, title, body in tags.pages(kb.config.lang):
        pages.append(_html_page(kb, uri, title, body, listed=uri in tags.index_uris,
                                searchable=False))
    pages.append(_generated(kb, ARCHIVE_PAGE, "Archive", _archive_page(kb), searchable=False))
    _no_shared_address(pages)
    return pages


NOW_IN_FORCE = {
    "en": "Revision {rev} of {id} is in force since {date}: {link}.",
    "zh": "{id} 第 {rev} 版已于 {date} 生效：{link}。",
}


def _now_in_force_pages(kb: KnowledgeBase, history: History) -> list[SitePage]:
    """Where a revision approved ahead had its page (``x.next/``, linked from
    notices, bookmarks, e-mails) while the one before it was in force: once
    it is in force itself, a page there that leads to the document, not a
    page that is gone."""
    today = default_today()
    out = []
    for doc in kb.documents:
        # (With a newer revision approved ahead, that one has the address.)
        if not (doc.fm_ok and doc.id and is_current(doc)) or doc.next_revision is not None:
            continue
        revision = int_value(doc, "revision")
        # Approved before its effective date (ahead then), in force now.
        ahead = [r for r in history.get(doc.relpath, []) if r.status == "approved"
                 and r.revision == revision
                 and approved_ahead(r, dt.date.fromisoformat(r.date[:10]))
                 and not approved_ahead(r, today)]
        if not ahead:
            continue
        uri = upcoming_uri(doc.relpath)
        lang = doc.lang or kb.config.lang
        link = (f'<a href="{escape(_link(uri, doc.relpath))}">{escape(doc.id)} '
                f"{escape(doc.title)}</a>")
        text = NOW_IN_FORCE.get(lang, NOW_IN_FORCE["en"]).format(
            rev=escape(str(doc.meta.get("revision"))), id=escape(doc.id),
            date=escape(ahead[0].effective), link=link)
        out.append(_html_page(kb, uri, f"{doc.id} {doc.title}",
                              functools.partial(str, f"<p>{text}</p>\n"), listed=False,
                              searchable=False))
    return out


def generated_inputs(kb: KnowledgeBase, drafts: bool) -> str:
    """A digest of what the generated pages of :func:`site_pages` (register,
    archive, tag pages, What changed, rule reference) are made of: every
    document's path and front matter, the configuration, the git commit of
    the history, the day and ``drafts``. Not the documents' bodies: an edit
    of a body leaves the digest, and those pages, as they were, so a live
    preview can keep the pages it wrote (as the generator keeps the pages of
    unchanged documents)."""
    history = kb_history(kb.root, kb.config.content_dirs)
    digest = hashlib.sha256(repr((
        drafts, default_today(), history.note, history.head, kb.config.fingerprint,
        [(d.relpath, d.content_dir, d.fm_ok, d.meta) for d in kb.documents],
    )).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class AddressClash(ValueError):
    """A document's page and a page the build generates (register, archive, a
    tag page…) would have the same address: one would silently replace the
    other."""


def address_key(uri: str) -> str:
    """The folder a page is published at, as a file system may compare it: case
    folded (on Windows and macOS What-Changed/ is what-changed/)."""
    return page_dir(uri).casefold()


def _no_shared_address(pages: list[SitePage]) -> None:
    seen: dict[str, SitePage] = {}
    for page in pages:
        where = page_dir(page.uri)
        other = seen.setdefault(address_key(page.uri), page)
        if other is page:
            continue
        doc = page if page.edit_path else other
        generated = other if doc is page else page
        if doc.edit_path and not generated.edit_path:
            raise AddressClash(
                f"{doc.edit_path}: its page would be published at {where}/, which the site "
                f"uses for the generated page '{generated.title}'; move or rename the "
                "document")
        raise AddressClash(f"two pages would be published at {where}/ "
                           f"({other.edit_path or other.title}, {page.edit_path or page.title})")


#: An area code no longer than this is an abbreviation (HD), shown in capitals.
ABBREVIATION_CHARS = 3


def area_names(kb: KnowledgeBase) -> dict[str, str]:
    """The name of each area (the folder under a content folder, as
    :attr:`~safetykb.model.Document.area` gives it), the same in the
    navigation, on tag pages and in header blocks: the name ``areas:`` in
    ``safetykb.yml`` gives the area's code, else the code in capitals when it
    is a short abbreviation that the ids of the area's documents carry
    (PROC-HD-001 in ``hd/``), else the folder's name as a title."""
    names = {str(k).upper(): str(v) for k, v in (kb.config.data.get("areas") or {}).items()}
    out: dict[str, str] = {}
    for doc in kb.documents:
        area = doc.area
        if area is None:
            continue
        code = area.upper()
        parts = (doc.id or "").split("-")
        if code in names:
            out[area] = names[code]
        elif len(parts) >= 3 and parts[1] == code and len(code) <= ABBREVIATION_CHARS:
            out[area] = code
        else:
            out.setdefault(area, area_title(area))
    return out


def area_titles(kb: KnowledgeBase) -> dict[str, str]:
    """Navigation titles of area folders, by folder path (``procedures/hd``),
    where :func:`area_names` names the area otherwise than the generator
    titles its folder."""
    names = area_names(kb)
    out: dict[str, str] = {}
    for doc in kb.documents:
        area = doc.area
        if area is not None and names[area] != area_title(area):
            base = doc.content_dir or doc.relpath.split("/", 1)[0]
            out[area if base == "." else f"{base}/{area}"] = names[area]
    return out


def feed(kb: KnowledgeBase) -> str:
    """The Atom feed of the "What changed" page (``feed.xml``): the last
    approved revisions of documents in force, with absolute links when
    ``site_url`` is set."""
    history = kb_history(kb.root, kb.config.content_dirs)
    base = kb.config.site_url.rstrip("/") + "/" if kb.config.site_url else ""
    in_force = {d.relpath for d in kb.documents if is_current(d)}
    return atom_feed(history, base, "What changed", RECENT_LIMIT,
                     link=(lambda path: base + quote(page_dir(path))) if base else None,
                     feed_url=base + FEED if base else None, only=in_force,
                     today=default_today(), lang=kb.config.lang)
