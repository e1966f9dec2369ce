"""Permanent addresses: ``id/<ID>/`` for every document id.

A printed sheet carries ``<site_url>/id/<ID>/`` (as text and as a QR code).
That address must still lead to the right page after the document moves to
another folder or is replaced, so it is a tiny static page that sends the
reader on: to the document's current page, or, for a superseded or withdrawn
id, to its archived page, which names the successor. Plain HTML with a meta
refresh and a link (no script), relative URLs only (the site works under any
base path and offline). Every value from a document is escaped: documents are
written by people the site must not trust with its HTML.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .current import is_archived
from .links import page_dir
from .model import Document, KnowledgeBase
from .sanitize import escape as _esc

#: Ids that can be one folder name of a URL: no '/', no '..', no spaces.
SAFE_ID = re.compile(r"^[A-Z0-9][A-Z0-9_-]*(?:\.[A-Z0-9_-]+)*$")
ID_DIR = "id"

_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{doc_id}</title>
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={href}">
<link rel="canonical" href="{href}">
</head>
<body>
<p>{message} <a href="{href}">{doc_id} {title}</a></p>
{extra}</body>
</html>
"""

_WORDS = {
    "en": {"current": "This is the permanent address of", "archived":
           "{doc_id} is {status} and not in force; its archived page names the successor:",
           "successor": "Successor:",
           "upcoming": "{doc_id} is approved but takes effect only on {date}; do not use it "
                       "before then:"},
    "zh": {"current": "本页是以下文件的永久地址：", "archived":
           "{doc_id} 已{status}，不得执行；其存档页注明了替代文件：", "successor": "替代文件：",
           "upcoming": "{doc_id} 已批准，自 {date} 起生效，在此之前不得执行："},
}
_STATUS_ZH = {"superseded": "被替代", "withdrawn": "废止"}


def permalink_path(doc_id: str) -> str:
    """The file of ``doc_id``'s permanent address: ``id/<ID>/index.html``."""
    return f"{ID_DIR}/{doc_id}/index.html"


def _href(doc: Document) -> str:
    """Relative URL from ``id/<ID>/`` to the document's page (directory URLs)."""
    return "../../" + quote(page_dir(doc.relpath), safe="/")


def permalink_page(doc: Document, kb: KnowledgeBase, by_id: dict[str, Document]) -> str:
    """The HTML of one permanent-address page."""
    lang = doc.lang or kb.config.lang
    words = _WORDS.get(lang, _WORDS["en"])
    href = _href(doc)
    extra = ""
    if is_archived(doc):
        status = doc.status or ""
        shown = _STATUS_ZH.get(status, status) if lang == "zh" else status
        message = words["archived"].format(doc_id=_esc(doc.id), status=_esc(shown))
        successor = doc.meta.get("superseded_by")
        target = by_id.get(successor) if isinstance(successor, str) else None
        if target is not None and target.id and SAFE_ID.match(target.id):
            extra = (f'<p>{_esc(words["successor"])} <a href="../{_esc(quote(target.id))}/">'
                     f"{_esc(target.id)} {_esc(target.title)}</a></p>\n")
    elif doc.takes_effect:
        message = words["upcoming"].format(doc_id=_esc(doc.id), date=_esc(doc.takes_effect))
    else:
        message = _esc(words["current"])
    return _TEMPLATE.format(lang=_esc(lang), doc_id=_esc(doc.id), title=_esc(doc.title),
                            href=_esc(href), message=message, extra=extra)


def permalink_pages(kb: KnowledgeBase, *, drafts: bool = False) -> dict[str, str]:
    """Every id's permanent-address page: ``id/<ID>/index.html`` -> HTML.

    Only documents whose front matter could be read get one, and drafts only
    with ``drafts`` (a site that publishes draft pages: a preview); ids that
    are not safe as a folder name are skipped (FM004 reports them). On a
    duplicate id the first document wins, as in
    :meth:`~safetykb.model.KnowledgeBase.by_id`.
    """
    by_id = kb.by_id()
    out: dict[str, str] = {}
    for doc_id, doc in by_id.items():
        if not doc.fm_ok or not SAFE_ID.match(doc_id):
            continue
        if doc.status == "draft" and not drafts:
            continue
        out[permalink_path(doc_id)] = permalink_page(doc, kb, by_id)
    return out
