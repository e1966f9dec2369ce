"""Documents to site-page Markdown, independent of the site generator.

The page is the document's body with a title, a header block (id, revision,
status, owner, dates, links to related documents) and, for checklists, the
critical items marked. The header block is plain HTML so that any Markdown
engine passes it through; its look is in ``safetykb.css``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from .links import href, page_dir, relative_url, resolve
from .loader import CRITICAL_MARK
from .markdown import parser, slugify
from .model import Document, KnowledgeBase
from .rules import REGISTRY
from .sanitize import sanitize
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


def link_between(from_doc: Document, to_doc: Document) -> str:
    """Relative URL from one document's page to another's."""
    return relative_url(from_doc.relpath, page_dir(to_doc.relpath))


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


_RENDER = parser()


@dataclass(frozen=True)
class RenderedPage:
    """A page body as published: sanitised HTML, its table of contents
    (``##`` and ``###`` headings: level, anchor id, text, children) and what
    the sanitiser removed (a non-empty ``removed`` fails the build)."""

    html: str
    toc: list[dict[str, Any]]
    removed: tuple[str, ...] = ()


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for tok in tokens:
        yield tok
        if tok.children:
            yield from _walk(tok.children)


def _toc(tokens: list[Token]) -> list[dict[str, Any]]:
    toc: list[dict[str, Any]] = []
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open" or tok.tag not in ("h2", "h3"):
            continue
        inline = tokens[i + 1]
        text = "".join(c.content for c in _walk(inline.children or [])
                       if c.type in ("text", "code_inline"))
        entry = {"level": int(tok.tag[1]), "id": str(tok.attrs.get("id", "")),
                 "name": _esc(text), "children": []}
        if entry["level"] == 3 and toc:
            toc[-1]["children"].append(entry)
        else:
            toc.append(entry)
    return toc


def render_markdown(text: str, extra_tags: frozenset[str],
                    rewrite: Callable[[Token], None] | None = None) -> RenderedPage:
    """Markdown to published HTML with the one parser the rules use, through
    the sanitiser. ``rewrite`` may change tokens (links) before rendering."""
    env: dict[str, Any] = {}
    tokens = _RENDER.parse(text, env)
    if rewrite is not None:
        for tok in _walk(tokens):
            rewrite(tok)
    raw = _RENDER.renderer.render(tokens, _RENDER.options, env)
    clean = sanitize(raw, extra_tags)
    return RenderedPage(clean.html, _toc(tokens), clean.removed)


def document_html(doc: Document, kb: KnowledgeBase) -> RenderedPage:
    """``doc``'s body as its page shows it: links rewritten to the published
    URLs (the resolver LK003 checks with), critical items marked."""
    lang = doc.lang or kb.config.lang
    labels = LABELS.get(lang, LABELS["en"])
    critical = {item.line - doc.body_line for item in doc.items if item.critical}
    badge = f'<span class="skb-critical">{_esc(labels["critical"])}</span> '

    def rewrite(tok: Token) -> None:
        if tok.type == "inline" and tok.map and tok.map[0] in critical and tok.children:
            for i, child in enumerate(tok.children):
                if child.type == "text" and CRITICAL_MARK in child.content:
                    before, _, after = child.content.partition(CRITICAL_MARK)
                    lead = Token("text", "", 0)
                    lead.content = before
                    mark = Token("html_inline", "", 0)
                    mark.content = badge
                    child.content = after.lstrip()
                    tok.children[i:i] = [lead, mark]
                    break
        attr = "href" if tok.type == "link_open" else "src" if tok.type == "image" else None
        if attr is None:
            return
        target = str(tok.attrs.get(attr, ""))
        url = href(doc, resolve(kb, doc, unquote(target)))
        if url is not None:
            tok.attrs[attr] = url

    return render_markdown(doc.body, kb.config.allowed_html_tags, rewrite)


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
        anchor = slugify(f"{rule.id} {rule.name}")
        out.append(f"| [{rule.id}](#{anchor}) | `{rule.name}` | {rule.level} | "
                   f"{rule.description} |")
    for rule in REGISTRY.values():
        summary, _, rest = rule.doc.partition("\n")
        out += ["", f"## {rule.id} {rule.name}", "",
                f"*Default level: {rule.level}.* {summary}", "",
                rest.strip().replace("::\n", ":\n"), ""]
    out += ["", "## Front-matter fields", "", "| Field | Required | Meaning |", "|---|---|---|"]
    for name, field in FIELDS.items():
        when = field.required_when or "no"
        only = "" if len(field.types) == 3 else f" ({', '.join(field.types)} only)"
        out.append(f"| `{name}` | {when} | {field.doc}{only} |")
    return "\n".join(out) + "\n"
