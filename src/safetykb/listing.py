"""Tables of documents as published HTML: the register and the tag pages.

Written as escaped HTML directly, not as Markdown through the renderer: one
linear pass over the documents (Markdown tables through markdown-it and the
sanitiser cost 0.6 s per 1000 documents), and every value a document gives
is escaped here, in one place. A table is sorted by id and says so with
``aria-sort`` on its Id column. Each cell carries its column's class
(``skb-col-<column>``, so the stylesheet can hide lesser columns on a phone)
and its column name (``data-label``, shown in the phone layout); cells whose
text does not sort as written (revision numbers, status badges) carry a sort
key (``data-sort``) for the sortable tables of ``site.js``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import quote

from .links import page_dir, relative_url
from .model import Document
from .render import LABELS, STATUS_ZH
from .sanitize import escape as esc

#: Column headings, in the page's language.
HEADINGS = {
    "en": {"id": "Id", "title": "Title", "type": "Type", "revision": "Rev.",
           "status": "Status", "owner": "Owner", "effective": "Effective",
           "review_due": "Review due", "empty": "No documents."},
    "zh": {"id": "编号", "title": "标题", "type": "类别", "revision": "版次",
           "status": "状态", "owner": "归口部门", "effective": "生效日期",
           "review_due": "复审日期", "empty": "没有文件。"},
}
#: The register's columns; tag pages show the first five.
REGISTER_COLUMNS = ("id", "title", "type", "revision", "status", "owner", "effective",
                    "review_due")
TAG_COLUMNS = ("id", "title", "type", "revision", "status")


#: Beside the revision in force: the one approved to replace it on a later day.
NEXT_WORDS = {"en": "({rev} from {date})", "zh": "（第 {rev} 版 {date} 起）"}


def page_link(from_uri: str, to_uri: str) -> str:
    """Relative, percent-encoded URL from the page ``from_uri`` to the page
    ``to_uri`` (a file name can hold anything), ready for an ``href``."""
    return esc(quote(relative_url(from_uri, page_dir(to_uri))))


def _value(doc: Document, key: str) -> str:
    value = doc.meta.get(key)
    return "" if value is None else str(value)


def _cell(doc: Document, key: str, page_uri: str, lang: str, label: str) -> str:
    text = _value(doc, key)
    attrs = f' class="skb-col-{key}" data-label="{esc(label)}"'
    if key == "id":
        return f'<td{attrs}><a href="{page_link(page_uri, doc.relpath)}">{esc(text)}</a></td>'
    if key == "title":
        own = doc.lang or lang
        attrs += f' lang="{esc(own)}"' if own != lang else ""
        return f"<td{attrs}>{esc(doc.title)}</td>"
    if key == "type":
        shown = LABELS.get(lang, LABELS["en"]).get(f"{text}_t", text)
        return f"<td{attrs}>{esc(shown)}</td>"
    if key == "status":
        shown = STATUS_ZH.get(text, text) if lang == "zh" else text
        return (f'<td{attrs} data-sort="{esc(text)}"><span class="skb-status '
                f'skb-status-{esc(text)}">{esc(shown)}</span></td>')
    if key == "revision":
        coming = doc.next_revision
        if coming is not None and coming.takes_effect:
            # Approved ahead (safetykb.effective): named beside the one in force.
            words = NEXT_WORDS.get(lang, NEXT_WORDS["en"]).format(
                rev=coming.meta.get("revision", ""), date=coming.takes_effect)
            return (f'<td{attrs} data-sort="{esc(text)}">{esc(text)} '
                    f'<small class="skb-next-revision">{esc(words)}</small></td>')
        return f'<td{attrs} data-sort="{esc(text)}">{esc(text)}</td>'
    return f"<td{attrs}>{esc(text)}</td>"


def document_table(page_uri: str, docs: Iterable[Document], columns: Sequence[str],
                   lang: str, caption: str = "") -> str:
    """A table of ``docs`` (sorted here by id) for the page ``page_uri``.

    ``caption`` names the table for screen readers (shown above it)."""
    labels = HEADINGS.get(lang, HEADINGS["en"])
    # Sorted by id, as the Id column says (site.js keeps aria-sort up to date).
    head = " ".join(f'<th scope="col" class="skb-col-{key}"'
                   + (' aria-sort="ascending"' if key == "id" else "")
                   + f">{esc(labels[key])}</th>" for key in columns)
    # Cells apart by a space: a search index that reads the text of the page
    # (Material's, in the offline copy) would run them together.
    rows = ['<tr>' + " ".join(_cell(doc, key, page_uri, lang, labels[key])
                                         for key in columns) + "</tr>"
            for doc in sorted(docs, key=lambda d: d.id or "")]
    if not rows:
        rows = [f'<tr><td colspan="{len(columns)}">'
                f'{esc(labels["empty"])}</td></tr>']
    shown_caption = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<table class="skb-doctable skb-sortable">{shown_caption}'
            f'<thead><tr>{head}</tr></thead>\n'
            '<tbody>\n' + "\n".join(rows) + "\n</tbody></table>\n")
