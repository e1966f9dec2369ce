"""Documents to site-page Markdown, independent of the site generator.

The page is the document's body with a title, a header block (id, revision,
status, owner, dates, links to related documents) and, for checklists, the
critical items marked. The header block is plain HTML so that any Markdown
engine passes it through; its look is in ``safetykb.css``.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from .current import is_published
from .links import href, page_dir, relative_url, resolve, upcoming_uri
from .loader import CRITICAL_MARK
from .markdown import parser, slugify
from .model import Document, KnowledgeBase, area_title
from .rules import REGISTRY
from .sanitize import escape as _esc
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
        "more": "Approval, scope, related documents", "used_by": "Used by",
        "hazards": "Hazards", "ppe": "Wear", "safety": "Hazards and protective equipment",
        "emergency": "Emergency", "details": "Document details", "tags": "Keywords",
        "area": "Area",
        "yes": "Yes", "no": "No", "na": "N/A",
        "answer_each": "Answer each question Yes, No or N/A.",
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
        "more": "批准、适用范围、相关文件", "used_by": "引用本文件的文件",
        "hazards": "危险", "ppe": "劳保用品", "safety": "危险与劳动防护用品",
        "emergency": "应急处置", "details": "文件信息", "tags": "关键词",
        "area": "区域",
        "yes": "是", "no": "否", "na": "不适用",
        "answer_each": "逐项回答：是、否或不适用。",
    },
}

STATUS_ZH = {"draft": "草稿", "approved": "已批准", "superseded": "已替代", "withdrawn": "已废止"}

#: The fields in the compact grid under the title; everything else is behind
#: the disclosure. ``id`` and ``status`` stand in the title line and are kept
#: in the grid for tools that read it, hidden from view.
GRID_FIELDS = ("revision", "effective", "review_due", "owner")

#: Words of a hazard or a piece of PPE to one of Material's bundled icons
#: (``.icons/<set>/<name>.svg`` in the installed mkdocs-material; copied into
#: the page at build time, so no request leaves the site). First match wins.
HAZARD_ICONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("electr", "voltage", "shock", "live", "电"), "material/lightning-bolt"),
    (("fire", "hot", "burn", "weld", "flam", "spark", "火", "焊", "烫"), "material/fire"),
    (("explos", "爆"), "material/alert-octagram"),
    (("gas", "cylinder", "pressur", "气瓶", "压力"), "material/gas-cylinder"),
    (("chemical", "toxic", "acid", "corros", "fume", "化学", "毒", "腐蚀"), "material/flask"),
    (("noise", "噪"), "material/volume-high"),
    (("fall", "height", "ladder", "高处", "坠落"), "material/ladder"),
    (("crush", "pinch", "moving", "rotat", "entangl", "press", "cut", "挤", "绞", "机械", "冲压"),
     "material/cog"),
    (("load", "lift", "crane", "weight", "起重", "吊"), "material/weight"),
    (("vehicle", "forklift", "truck", "叉车", "车辆"), "material/truck"),
    (("radiat", "辐射"), "material/radioactive"),
    (("energy", "stored", "能量"), "material/flash"),
)
PPE_ICONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("helmet", "hard hat", "安全帽"), "material/hard-hat"),
    (("goggle", "glasses", "eye", "face shield", "visor", "护目", "眼镜", "面罩"),
     "material/safety-goggles"),
    (("ear", "hearing", "耳"), "material/ear-hearing"),
    (("glove", "手套"), "fontawesome/solid/mitten"),
    (("mask", "respirat", "breathing", "口罩", "呼吸"), "fontawesome/solid/mask-ventilator"),
    (("boot", "shoe", "footwear", "鞋"), "material/shoe-print"),
    (("harness", "lanyard", "安全带"), "material/account-hard-hat"),
    (("lock", "padlock", "tag", "锁"), "material/lock"),
)
_DEFAULT_ICON = {"hazards": "material/alert", "ppe": "material/shield-account"}


def _icons_dir() -> Path | None:
    """Material's bundled icon folder, found without importing MkDocs."""
    spec = importlib.util.find_spec("material")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "templates" / ".icons"
        if folder.is_dir():
            return folder
    return None


@functools.lru_cache(maxsize=64)
def icon_svg(name: str) -> str:
    """Inline SVG of one of Material's bundled icons (``material/fire``),
    decorative (hidden from screen readers); "" when not installed."""
    folder = _icons_dir()
    path = folder / f"{name}.svg" if folder is not None else None
    if path is None or not path.is_file():
        return ""
    svg = path.read_text("utf-8").strip()
    if not svg.startswith("<svg "):
        return ""
    return svg.replace("<svg ", '<svg class="skb-icon" aria-hidden="true" focusable="false" ',
                       1)


def _icon_for(kind: str, text: str) -> str:
    words = text.lower()
    table = HAZARD_ICONS if kind == "hazards" else PPE_ICONS
    for keys, name in table:
        if any(k in words for k in keys):
            return name
    return _DEFAULT_ICON[kind]


def link_between(from_doc: Document, to_doc: Document) -> str:
    """Relative URL from one document's page to another's."""
    return relative_url(from_doc.relpath, page_dir(to_doc.relpath))


def _filter_value(value: object) -> str:
    """A Pagefind filter value: one line, no comma (Pagefind splits on it)."""
    return " ".join(str(value).replace(",", " ").split())


def _emergency_anchor(doc: Document) -> str | None:
    for section in doc.sections:
        slug = slugify(section.title)
        if slug.startswith("emergency") or "应急" in section.title:
            return slug
    return None


#: The tag page of a value of a facet (``"hazard"``, ``"Moving ram"``): its
#: page URI and the tag as shown, or None (see :class:`safetykb.tags.TagIndex`).
TagPage = Callable[[str, str], "tuple[str, str] | None"]


NOTICES = {
    "en": {
        "upcoming": "Not yet in force: revision {rev} takes effect on {date}. Until then "
                    "revision {old} is in force: {link}.",
        "upcoming_link": "go to the revision in force",
        "upcoming_alone": "Not yet in force: this document takes effect on {date}; do not "
                          "use it before then.",
        "next": "Revision {rev} of this document is approved and takes effect on {date}: "
                "{link}. Until then this revision ({old}) is in force.",
        "next_link": "read revision {rev}",
    },
    "zh": {
        "upcoming": "尚未生效：第 {rev} 版自 {date} 起生效。"
                    "在此之前执行现行的第 {old} 版：{link}。",
        "upcoming_link": "查看现行版本",
        "upcoming_alone": "尚未生效：本文件自 {date} 起生效，在此之前不得执行。",
        "next": "本文件第 {rev} 版已批准，自 {date} 起生效：{link}。"
                "在此之前执行本版（第 {old} 版）。",
        "next_link": "查看第 {rev} 版",
    },
}


def effective_notice(doc: Document, lang: str, page_uri: str) -> str:
    """The banner of a revision approved to take effect later (linking to the
    revision in force), or the notice on the revision in force that names
    the date it is replaced (linking to the approved one); empty otherwise.
    ``page_uri`` is the page's source path in the site (for the links)."""
    words = NOTICES.get(lang, NOTICES["en"])
    if doc.takes_effect and doc.in_force is not None:
        link = (f'<a href="{_esc(relative_url(page_uri, page_dir(doc.relpath)))}">'
                f'{_esc(words["upcoming_link"])}</a>')
        text = words["upcoming"].format(rev=_esc(doc.meta.get("revision")),
                                        date=_esc(doc.takes_effect), link=link,
                                        old=_esc(doc.in_force.meta.get("revision")))
        kind = "upcoming"
    elif doc.takes_effect:
        text = words["upcoming_alone"].format(date=_esc(doc.takes_effect))
        kind = "upcoming"
    elif doc.next_revision is not None and doc.next_revision.takes_effect:
        coming = doc.next_revision
        rev = _esc(coming.meta.get("revision"))
        url = relative_url(page_uri, page_dir(upcoming_uri(doc.relpath)))
        link = f'<a href="{_esc(url)}">{words["next_link"].format(rev=rev)}</a>'
        text = words["next"].format(rev=rev, date=_esc(coming.takes_effect), link=link,
                                    old=_esc(doc.meta.get("revision")))
        kind = "next"
    else:
        return ""
    return (f'<p class="skb-banner skb-banner-{kind}" role="note" data-pagefind-ignore>'
            f"{text}</p>\n")


def header_block(doc: Document, lang: str, resolve: Callable[[str], Document | None],
                 page_url: Callable[[Document, Document], str] = link_between,
                 used_by: Sequence[Document] = (), tag_page: TagPage | None = None,
                 area_name: Callable[[str], str] = area_title) -> str:
    """The HTML block shown above every document.

    In order: the status banner (draft, superseded, withdrawn) in the page's
    language; the title line (the id, the title, the status as a badge); for
    actions and checklists the hazards and protective equipment with icons,
    for procedures one link to the Emergency section; the compact grid of
    revision, effective and review dates and owner; everything else (type,
    approver, scope, related documents, change note, "Used by") behind a
    disclosure. The area, the workstation and each hazard link to their tag
    pages (``tag_page``). Every value from the document is HTML-escaped.
    """
    labels = LABELS.get(lang, LABELS["en"])
    status = doc.status or ""

    def ref(value: object) -> str:
        target = resolve(value) if isinstance(value, str) else None
        if target is None:
            return _esc(value)
        return (f'<a href="{_esc(page_url(doc, target))}" title="{_esc(target.title)}">'
                f"{_esc(value)}</a>")

    def tag(facet: str, value: str, shown: str | None = None) -> str:
        """``value`` (shown as ``shown`` when given) linked to its tag page."""
        found = tag_page(facet, value) if tag_page is not None else None
        if found is None:
            return _esc(shown or value)
        url = relative_url(doc.relpath, page_dir(found[0]))
        return f'<a href="{_esc(url)}" rel="tag">{_esc(shown or value)}</a>'

    out: list[str] = []
    if status in ("draft", "superseded", "withdrawn"):
        successor = doc.meta.get("superseded_by")
        message = labels[status].format(successor=ref(successor) if successor else "")
        out.append(f'<p class="skb-banner skb-banner-{_esc(status)}" role="note" '
                   f'data-pagefind-ignore>{message}</p>')

    status_text = STATUS_ZH.get(status, status) if lang == "zh" else status
    type_text = labels.get(f"{doc.type}_t", doc.type or "")
    filters = [("type", type_text), ("area", doc.area or ""), ("language", lang)]
    filter_tags = "".join(f'<span data-pagefind-filter="{_esc(k)}:{_esc(_filter_value(v))}">'
                          "</span>" for k, v in filters if _filter_value(v))
    # The id and type as data of the search result (the search box ranks a
    # query that looks like an id by them).
    filter_tags += "".join(f'<span data-pagefind-meta="{k}:{_esc(_filter_value(v))}"></span>'
                           for k, v in (("id", doc.id or ""), ("type", doc.type or ""))
                           if _filter_value(v))
    out.append(
        '<div class="skb-titleline">'
        f'<h1 data-pagefind-meta="title" data-pagefind-weight="10"><span class="skb-id">'
        f'{_esc(doc.id or "")}</span> <span class="skb-title">{_esc(doc.title)}</span></h1>'
        f'<span class="skb-status skb-status-{_esc(status)}" data-pagefind-ignore>'
        f"{_esc(status_text)}</span>"
        f'<span class="skb-type" data-pagefind-ignore>{_esc(type_text)}</span>'
        f"{filter_tags}</div>")

    safety = _safety_summary(doc, labels, tag)
    if safety:
        out.append(safety)

    grid: list[tuple[str, str, bool]] = [
        ("id", f'<code class="skb-id">{_esc(doc.id or "")}</code>', True),
        ("status", f'<span class="skb-status skb-status-{_esc(status)}">'
                   f"{_esc(status_text)}</span>", True)]
    for key in GRID_FIELDS:
        if doc.meta.get(key) not in (None, ""):
            grid.append((key, _esc(doc.meta[key]), False))
    cells = "\n".join(
        f'<div class="skb-field skb-field-{key}"{" hidden" if hidden else ""}>'
        f"<dt>{_esc(labels[key])}</dt><dd>{value}</dd></div>"
        for key, value, hidden in grid)
    out.append(f'<dl class="skb-header" data-skb-id="{_esc(doc.id or "")}" '
               f'data-pagefind-ignore>\n{cells}\n</dl>')

    more: list[tuple[str, str]] = [("type", _esc(type_text))]
    if doc.area:
        more.append(("area", tag("area", doc.area, area_name(doc.area))))
    for key in ("approved_by", "mode", "workstation"):
        value = doc.meta.get(key)
        if value not in (None, ""):
            linked = key == "workstation" and isinstance(value, str)
            more.append((key, tag(key, value) if linked else _esc(value)))
    hazards = doc.meta.get("hazards")
    if doc.type == "procedure" and isinstance(hazards, list) and hazards:
        # (Actions and checklists show them at the top, with icons.)
        more.append(("hazards", ", ".join(tag("hazard", v) for v in hazards
                                           if isinstance(v, str))))
    for key in ("procedure", "superseded_by"):
        if doc.meta.get(key):
            more.append((key, ref(doc.meta[key])))
    for key in ("applies_to", "related", "tags"):
        values = doc.meta.get(key)
        if isinstance(values, list) and values:
            shown = [ref(v) if key == "related" else _esc(v) for v in values]
            more.append((key, ", ".join(shown)))
    if doc.meta.get("change_note"):
        more.append(("change_note", _esc(doc.meta["change_note"])))
    if used_by:
        shown = [f'<a href="{_esc(page_url(doc, d))}" title="{_esc(d.title)}">{_esc(d.id)}</a>'
                 for d in used_by]
        more.append(("used_by", ", ".join(shown)))
    rows = "\n".join(f'<div class="skb-field skb-field-{key}"><dt data-pagefind-ignore>'
                     f"{_esc(labels[key])}</dt><dd>{value}</dd></div>" for key, value in more)
    out.append('<details class="skb-more" data-pagefind-weight="2">'
               f'<summary data-pagefind-ignore>{_esc(labels["more"])}</summary>\n'
               f'<dl class="skb-more-list">\n{rows}\n</dl>\n</details>')
    return "\n".join(out) + "\n"


def _safety_summary(doc: Document, labels: dict[str, str],
                    tag: Callable[[str, str], str]) -> str:
    """Hazards and PPE with icons (actions, checklists); on procedures, one
    link to the Emergency section."""
    if doc.type == "procedure":
        anchor = _emergency_anchor(doc)
        if anchor is None:
            return ""
        return (f'<p class="skb-safety skb-safety-procedure" data-pagefind-ignore>'
                f'<a class="skb-jump" href="#{_esc(anchor)}">{icon_svg("material/lifebuoy")}'
                f'{_esc(labels["emergency"])}</a></p>')
    rows = []
    for kind in ("hazards", "ppe"):
        values = doc.meta.get(kind)
        if not isinstance(values, list) or not values:
            continue
        items = "".join(f'<li>{icon_svg(_icon_for(kind, v))}<span>'
                        f'{tag("hazard", v) if kind == "hazards" else _esc(v)}</span></li>'
                        for v in values if isinstance(v, str))
        rows.append(f'<div class="skb-safety-row skb-safety-{kind}">'
                    f'<span class="skb-safety-label">{_esc(labels[kind])}</span>'
                    f'<ul class="skb-safety-list">{items}</ul></div>')
    if not rows:
        return ""
    return (f'<section class="skb-safety" aria-label="{_esc(labels["safety"])}" '
            'data-pagefind-weight="5">'
            + "".join(rows) + "</section>")


#: The ids written in a body, by body: the live preview builds the "Used by"
#: map after every save, and all bodies but one are as they were.
_IDS_IN: dict[str, frozenset[str]] = {}
_IDS_IN_MAX = 20_000


def _ids_in_text(body: str) -> frozenset[str]:
    found = _IDS_IN.get(body)
    if found is None:
        found = frozenset(m.group(0) for m in _ID_IN_TEXT.finditer(body))
        if len(_IDS_IN) >= _IDS_IN_MAX:
            _IDS_IN.clear()
        _IDS_IN[body] = found
    return found


def used_by_map(kb: KnowledgeBase) -> dict[str, list[Document]]:
    """For each id, the documents that refer to it: in ``related``,
    ``procedure`` or ``superseded_by``, or by writing its id in their text."""
    known = {d.id for d in kb.documents if d.fm_ok and d.id}
    out: dict[str, list[Document]] = {}
    for doc in sorted(kb.documents, key=lambda d: d.id or ""):
        if not doc.fm_ok or not doc.id:
            continue
        refs: set[str] = set()
        for key in ("related", "procedure", "superseded_by"):
            value = doc.meta.get(key)
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str):
                    refs.add(v)
        refs |= _ids_in_text(doc.body)
        for ref_id in sorted(refs & known - {doc.id}):
            out.setdefault(ref_id, []).append(doc)
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
    targets = _published_ids(kb)

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
        if tok.type == "inline" and tok.children and doc.type == "action" \
                and "\n" in tok.content:
            _break_before_labels(tok)
        if tok.type == "inline" and tok.children:
            _name_checkbox(tok.children, labels["critical"])
            tok.children = _link_ids(tok.children, doc, targets)
        if tok.meta.get("skb_idref"):
            return
        attr = "href" if tok.type == "link_open" else "src" if tok.type == "image" else None
        if attr is None:
            return
        target = str(tok.attrs.get(attr, ""))
        url = href(doc, resolve(kb, doc, unquote(target)))
        if url is not None:
            tok.attrs[attr] = url

    page = render_markdown(doc.body, kb.config.allowed_html_tags, rewrite)
    if doc.type == "checklist" and doc.meta.get("mode") == "inspection":
        page = replace(page, html=answer_columns(page.html, labels))
    return page


#: In sanitised HTML: list tags, and a task list's tick box.
_LIST_OR_BOX = re.compile(r'<(/?)(ul|ol|li)\b[^>]*>'
                          r'|<input\b[^>]*\bclass="task-list-item-checkbox"[^>]*>')
#: Not searched: by Pagefind, nor by Material's own index (the offline copy).
_UNSEARCHED = "data-pagefind-ignore data-search-exclude"


def answer_columns(body: str, labels: dict[str, str]) -> str:
    """An inspection checklist's page as its sheet: each question is answered
    in Yes / No / N/A boxes at its right (the sheet's columns), not with a
    tick box (its item gets the class ``skb-q``), and each outermost list
    that holds questions (a ``ul`` or ``ol``, their own or nested under
    plain items) has the column names above it. Screen readers hear "Answer
    each question Yes, No or N/A." once per list (the boxes are not read out
    on every item). Runs on the sanitised HTML: the markup is the
    renderer's own, and none of it is searched."""
    names = "".join(f'<span aria-hidden="true">{_esc(labels[k])}</span>'
                    for k in ("yes", "no", "na"))
    head = (f'<p class="skb-answer-head" {_UNSEARCHED}>'
            f'<span class="skb-sr">{_esc(labels["answer_each"])}</span>{names}</p>')
    boxes = (f'<span class="skb-answers" aria-hidden="true" {_UNSEARCHED}>'
             + "<span></span>" * 3 + "</span>")
    out: list[str] = []
    items: list[int] = []  # open list items: their tag's index in ``out``
    outer: int | None = None  # the open outermost list: where its head would go
    pos = 0
    for match in _LIST_OR_BOX.finditer(body):
        out.append(body[pos:match.start()])
        pos = match.end()
        closing, tag = match.group(1), match.group(2)
        if tag is None:  # a tick box
            out.append(boxes)
            if items:
                out[items[-1]] = out[items[-1]].replace(
                    'class="task-list-item"', 'class="task-list-item skb-q"', 1)
            if outer is not None:
                out[outer] = head
            continue
        if tag == "li":
            if closing:
                if items:
                    items.pop()
            else:
                items.append(len(out))
        elif not closing and not items:
            outer = len(out)
            out.append("")
        out.append(match.group(0))
    out.append(body[pos:])
    return "".join(out)


#: An id written in text: not part of a longer Latin word or id. (Chinese
#: text runs into an id with no space: "按PROC-HD-001整改" names it too.)
_ID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9_-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?![A-Za-z0-9_-])")


_PUBLISHED_IDS: dict[int, tuple[list[Document], int, dict[str, Document]]] = {}


def _published_ids(kb: KnowledgeBase) -> dict[str, Document]:
    """Published documents by id, computed once per knowledge base (every
    page asks: per page it would cost the whole list, quadratic in all)."""
    cached = _PUBLISHED_IDS.get(id(kb))
    if cached is None or cached[0] is not kb.documents or cached[1] != len(kb.documents):
        ids = {d.id: d for d in kb.documents if d.fm_ok and d.id and is_published(d)}
        _PUBLISHED_IDS.clear()
        cached = (kb.documents, len(kb.documents), ids)
        _PUBLISHED_IDS[id(kb)] = cached
    return cached[2]


def _link_ids(children: list[Token], doc: Document, targets: dict[str, Document]) -> list[Token]:
    """Ids of published documents written in text become links to them;
    never inside a link (or an image's text) and never in code (code spans
    are their own tokens, code blocks are not inline)."""
    out: list[Token] = []
    depth = 0
    for child in children:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth = max(0, depth - 1)
        if child.type != "text" or depth or not targets:
            out.append(child)
            continue
        text, pos = child.content, 0
        for match in _ID_IN_TEXT.finditer(text):
            target = targets.get(match.group(0))
            if target is None or target is doc:
                continue
            if match.start() > pos:
                out.append(_text_token(text[pos:match.start()]))
            opening = Token("link_open", "a", 1)
            opening.attrs = {"href": link_between(doc, target), "title": target.title}
            opening.meta = {"skb_idref": True}
            out += [opening, _text_token(match.group(0)), Token("link_close", "a", -1)]
            pos = match.end()
        if pos == 0:
            out.append(child)
        elif pos < len(text):
            out.append(_text_token(text[pos:]))
    return out


def _break_before_labels(tok: Token) -> None:
    """In a step written ``1. Stop.`` with ``Key point: ...`` and ``Hazard:
    ...`` on indented lines of its own (one paragraph to Markdown), each label
    line starts a line on the page too, as it starts a column on the job card
    (:func:`safetykb.pdf.content.steps` reads them so): the soft line break
    before it becomes a hard one."""
    from .pdf.content import is_label_line

    lines = tok.content.split("\n")
    breaks = [child for child in tok.children or []
              if child.type in ("softbreak", "hardbreak")]
    if len(breaks) != len(lines) - 1:
        return  # a line break inside code or HTML: leave the paragraph as written
    for child, line in zip(breaks, lines[1:], strict=True):
        if child.type == "softbreak" and is_label_line(line):
            child.type, child.tag = "hardbreak", "br"


def _name_checkbox(children: list[Token], critical: str) -> None:
    """A checklist tick box gets its item's text as its accessible name (a
    ``title``), so a screen reader says what is being ticked (a critical item
    with its mark first)."""
    first = children[0]
    if first.type != "html_inline" or "task-list-item-checkbox" not in first.content \
            or not first.content.startswith("<input "):
        return
    text = " ".join("".join(c.content for c in children[1:]
                            if c.type in ("text", "code_inline")).split())
    if any(c.type == "html_inline" and 'class="skb-critical"' in c.content for c in children):
        text = f"{critical}: {text}"
    if text:
        first.content = first.content.replace("<input ", f'<input title="{_esc(text)}" ', 1)


def _text_token(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


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
        # The summary is the docstring's first paragraph, on one or more lines.
        summary, _, rest = rule.doc.partition("\n\n")
        summary = " ".join(summary.split())
        out += ["", f"## {rule.id} {rule.name}", "",
                f"*Default level: {rule.level}.* {summary}", "",
                rest.strip().replace("::\n", ":\n"), ""]
    out += ["", "## Front-matter fields", "", "| Field | Required | Meaning |", "|---|---|---|"]
    for name, field in FIELDS.items():
        when = field.required_when or "no"
        only = "" if len(field.types) == 3 else f" ({', '.join(field.types)} only)"
        out.append(f"| `{name}` | {when} | {field.doc}{only} |")
    return "\n".join(out) + "\n"
