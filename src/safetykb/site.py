"""What the site publishes, independent of the site generator.

:func:`site_pages` turns a checked knowledge base into a list of pages (URI,
Markdown, where to edit it, whether it is listed and searched). The MkDocs
hooks only hand these to MkDocs; another generator would do the same. Pages
are published with directory URLs (``procedures/a/x.md`` at
``procedures/a/x/``), which links written as raw HTML rely on.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass

from .current import is_archived, is_current
from .model import Document, KnowledgeBase
from .register import register_rows
from .render import page_markdown, rules_reference_markdown

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
    markdown: str
    title: str
    edit_path: str | None
    listed: bool = True
    searchable: bool = True
    doc_id: str | None = None


def _front_matter(title: str, searchable: bool) -> str:
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    if not searchable:
        lines.append("search:\n  exclude: true")
    lines.append("---\n")
    return "\n".join(lines)


def document_page(doc: Document, kb: KnowledgeBase) -> SitePage:
    by_id = kb.by_id()
    current = is_current(doc)
    body = page_markdown(doc, kb.config.lang, by_id.get)
    title = doc.title
    return SitePage(uri=doc.relpath, markdown=_front_matter(title, current) + body,
                    title=title, edit_path=doc.relpath, listed=current, searchable=current,
                    doc_id=doc.id)


def _register_page(kb: KnowledgeBase) -> str:
    rows = register_rows(kb)
    lines = ["# Document register", "",
             "Every document in force or in draft, by id. Superseded and withdrawn "
             f"documents are in the [archive]({posixpath.basename(ARCHIVE_PAGE)}).", "",
             "| Id | Title | Type | Rev. | Status | Owner | Review due |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        link = posixpath.relpath(row["path"], posixpath.dirname(REGISTER_PAGE))
        lines.append(f"| [{row['id']}]({link}) | {row['title']} | {row['type']} | "
                     f"{row['revision']} | {row['status']} | {row['owner']} | "
                     f"{row['review_due']} |")
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
        link = posixpath.relpath(doc.relpath, posixpath.dirname(ARCHIVE_PAGE))
        successor = doc.meta.get("superseded_by") or ""
        target = by_id.get(successor) if isinstance(successor, str) else None
        if target is not None:
            successor = f"[{successor}]({posixpath.relpath(target.relpath, 'reference')})"
        lines.append(f"| [{doc.id}]({link}) | {doc.title} | {doc.status} | {successor} |")
    if not archived:
        lines.append("| | No archived documents. | | |")
    return "\n".join(lines) + "\n"


def site_pages(kb: KnowledgeBase) -> list[SitePage]:
    """Every page the knowledge base adds to the site, in path order."""
    pages = [document_page(doc, kb) for doc in kb.documents if doc.fm_ok]
    pages.append(SitePage(RULES_PAGE, _front_matter("Rule reference", True)
                          + rules_reference_markdown(), "Rule reference", None))
    pages.append(SitePage(REGISTER_PAGE, _front_matter("Document register", True)
                          + _register_page(kb), "Document register", None))
    pages.append(SitePage(ARCHIVE_PAGE, _front_matter("Archive", False) + _archive_page(kb),
                          "Archive", None))
    return pages

