"""Documents to site-page Markdown, independent of the site generator.

The page is the document's body with a title, a header block (id, revision,
status, owner, dates, links to related documents) and, for checklists, the
critical items marked. The header block is plain HTML so that any Markdown
engine passes it through; its look is in ``safetykb.css``.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable

from .model import Document
from .rules import REGISTRY
from .schema import FIELDS

LABELS = {
    "en": {
        "id": "ID", "revision": "Revision", "status": "Status", "owner": "Owner",
        "approved_by": "Approved by", "effective": "Effective", "review_due": "Review due",
        "type": "Type", "mode": "Mode", "procedure": "Procedure", "workstation": "Workstation",
        "applies_to": "Applies to", "related": "Related", "change_note": "Change",
        "superseded_by": "Superseded by", "critical": "CRITICAL",
        "procedure_t": "Procedure", "action_t": "Standardised action", "checklist_t": "Checklist",
        "draft": "Draft: not approved, not in force.",
        "superseded": "Superseded: not in force. Use {successor}.",
        "withdrawn": "Withdrawn: not in force.",
    },
    "zh": {
        "id": "编号", "revision": "版次", "status": "状态", "owner": "归口部门",
        "approved_by": "批准", "effective": "生效日期", "review_due": "复审日期",
        "type": "类别", "mode": "方式", "procedure": "所属程序", "workstation": "张贴位置",
        "applies_to": "适用范围", "related": "相关文件", "change_note": "修订说明",
        "superseded_by": "替代文件", "critical": "关键",
        "procedure_t": "程序", "action_t": "标准化作业", "checklist_t": "检查表",
        "draft": "草稿：未批准，不得执行。",
        "superseded": "已被替代：不得执行。请使用 {successor}。",
        "withdrawn": "已废止：不得执行。",
    },
}

STATUS_ZH = {"draft": "草稿", "approved": "已批准", "superseded": "已替代", "withdrawn": "已废止"}


def page_dir(relpath: str) -> str:
    """The folder URL a page is published at, with directory URLs:
    ``procedures/a/x.md`` -> ``procedures/a/x/``, ``a/index.md`` -> ``a/``."""
    stem = relpath[:-3] if relpath.endswith(".md") else relpath
    if stem == "index" or stem.endswith("/index"):
        stem = stem[:-5]
    return stem.rstrip("/") + "/" if stem else ""


def link_between(from_doc: Document, to_doc: Document) -> str:
    """Relative URL from one document's page to another's, for raw HTML (which
    the site generator does not rewrite as it does Markdown links)."""
    here = page_dir(from_doc.relpath) or "."
    return posixpath.relpath(page_dir(to_doc.relpath) or ".", here) + "/"


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def header_block(doc: Document, lang: str, resolve: Callable[[str], Document | None],
                 page_url: Callable[[Document, Document], str] = link_between) -> str:
    """The HTML block shown above every document: who, what revision, when."""
    labels = LABELS[lang]
    status = doc.status or ""
    rows: list[tuple[str, str]] = []

    def ref(value: object) -> str:
        target = resolve(value) if isinstance(value, str) else None
        if target is None:
            return _esc(value)
        return (f'<a href="{_esc(page_url(doc, target))}" title="{_esc(target.title)}">'
                f"{_esc(value)}</a>")

    rows.append(("id", f'<code class="skb-id">{_esc(doc.id or "")}</code>'))
    rows.append(("revision", _esc(doc.meta.get("revision", ""))))
    status_text = STATUS_ZH.get(status, status) if lang == "zh" else status
    rows.append(("status", f'<span class="skb-status skb-status-{_esc(status)}">'
                           f"{_esc(status_text)}</span>"))
    rows.append(("type", _esc(labels.get(f"{doc.type}_t", doc.type or ""))))
    for key in ("owner", "approved_by", "effective", "review_due", "mode", "workstation"):
        if doc.meta.get(key) not in (None, ""):
            rows.append((key, _esc(doc.meta[key])))
    for key in ("procedure", "superseded_by"):
        if doc.meta.get(key):
            rows.append((key, ref(doc.meta[key])))
    for key in ("applies_to", "related"):
        values = doc.meta.get(key)
        if isinstance(values, list) and values:
            shown = [ref(v) if key == "related" else _esc(v) for v in values]
            rows.append((key, ", ".join(shown)))
    if doc.meta.get("change_note"):
        rows.append(("change_note", _esc(doc.meta["change_note"])))
    cells = "\n".join(
        f'<div class="skb-field skb-field-{key}"><dt>{_esc(labels[key])}</dt><dd>{value}</dd></div>'
        for key, value in rows
    )
    out = f'<dl class="skb-header" data-skb-id="{_esc(doc.id or "")}">\n{cells}\n</dl>\n'
    if status in ("draft", "superseded", "withdrawn"):
        successor = doc.meta.get("superseded_by")
        message = labels[status].format(successor=ref(successor) if successor else "")
        out += f'<p class="skb-banner skb-banner-{_esc(status)}">{message}</p>\n'
    return out


#: Stands in the page Markdown where the header block goes. The header is HTML
#: put into the finished page: raw HTML blocks are the slowest thing
#: Python-Markdown converts, and the search indexer would parse the header of
#: every page again (the id is given to the index as a key instead). An HTML
#: comment passes through Markdown and search indexing untouched.
HEADER_PLACEHOLDER = "<!-- safetykb:header -->"


def page_markdown(doc: Document, default_lang: str) -> str:
    """The Markdown of ``doc``'s site page (front matter not included), with
    :data:`HEADER_PLACEHOLDER` where :func:`header_block` belongs."""
    lang = doc.lang or default_lang
    labels = LABELS.get(lang, LABELS["en"])
    lines = doc.body.split("\n")
    if doc.type == "checklist":
        badge = f'<span class="skb-critical">{_esc(labels["critical"])}</span>'
        for item in doc.items:
            index = item.line - doc.body_line
            if item.critical and 0 <= index < len(lines):
                lines[index] = lines[index].replace("(!)", badge, 1)
    parts = []
    if not doc.h1:
        parts.append(f"# {doc.title}\n")
    parts.append(HEADER_PLACEHOLDER + "\n")
    parts.append("\n".join(lines))
    return "\n".join(parts)


def insert_header(html_text: str, header: str) -> str:
    """Put the header block in place of the placeholder in the page's HTML."""
    return html_text.replace(HEADER_PLACEHOLDER, header, 1)


def rules_reference_markdown() -> str:
    """The rule reference page, generated from the registry and rule docstrings."""
    out = [
        "# Rule reference",
        "",
        "Generated from the rule registry by the build: every rule `safetykb check` applies, "
        "with its id, default level, the safety reason and an example. Levels and options "
        "are set in `safetykb.yml`; a document can waive a rule with a reason "
        "(`waivers: [{rule: DC002, reason: ...}]`).",
        "",
        "| Id | Name | Level | What it reports |",
        "|---|---|---|---|",
    ]
    for rule in REGISTRY.values():
        out.append(f"| [{rule.id}](#{rule.id.lower()}) | `{rule.name}` | {rule.level} | "
                   f"{rule.description} |")
    for rule in REGISTRY.values():
        summary, _, rest = rule.doc.partition("\n")
        out += ["", f"## {rule.id} {rule.name} {{#{rule.id.lower()}}}", "",
                f"*Default level: {rule.level}.* {summary}", "",
                rest.strip().replace("::\n", ":\n"), ""]
    out += ["", "## Front-matter fields", "", "| Field | Required | Meaning |", "|---|---|---|"]
    for name, field in FIELDS.items():
        when = field.required_when or "no"
        only = "" if len(field.types) == 3 else f" ({', '.join(field.types)} only)"
        out.append(f"| `{name}` | {when} | {field.doc}{only} |")
    return "\n".join(out) + "\n"
