"""Print packs: every sheet of one workstation (or one folder area) in one PDF,
behind a cover page listing each sheet's id, title and revision.

A supervisor who re-posts a whole station after a change prints one file.
Packs hold only documents in force (approved): never drafts, superseded or
withdrawn documents.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Document, KnowledgeBase
from . import content
from .fonts import LATIN_REGULAR, fonts_for, latin_text
from .labels import labels
from .layout import LINE_SPACING, META_SIZE, PAPERS, PrintSettings, Sheet, wrap
from .publish import make_sheet, published
from .render import draw_sheet, new_canvas

KINDS = ("workstation", "area")


def pack_key(doc: Document, kind: str) -> str | None:
    """The workstation named in the front matter, or the area: the folder under
    the content folder (``checklists/press/x.md`` -> ``press``)."""
    if kind == "workstation":
        value = doc.meta.get("workstation")
        return content.plain(str(value)) if value not in (None, "") else None
    if doc.area:
        return doc.area
    # Filed directly in a content folder: that folder's name (checklists).
    base = doc.content_dir
    if base is None:
        base = doc.relpath.rsplit("/", 1)[0] if "/" in doc.relpath else "."
    return posixpath.basename(base) if base not in ("", ".") else "general"


#: Anything but letters and digits of any script (Chinese names keep their
#: characters) becomes a hyphen: no path separators, dots or spaces.
_SLUG = re.compile(r"[\W_]+")


def pack_filename(kind: str, key: str) -> str:
    """A safe file name for a pack: a slug that keeps the name's letters and
    digits (冲压二线 stays 冲压二线) plus a short hash of the key, so that two
    names with the same slug never collide."""
    name = unicodedata.normalize("NFC", key).lower()
    slug = _SLUG.sub("-", name).strip("-")[:40].strip("-") or "pack"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
    return f"pack-{kind}-{slug}-{digest}.pdf"


@dataclass
class Pack:
    kind: str
    key: str
    docs: list[Document] = field(default_factory=list)


def group(kb: KnowledgeBase, kind: str) -> list[Pack]:
    """Packs of the approved checklists and actions, by key, in key order."""
    packs: dict[str, Pack] = {}
    for doc in published(kb):
        key = pack_key(doc, kind)
        if key:
            packs.setdefault(key, Pack(kind, key)).docs.append(doc)
    for pack in packs.values():
        pack.docs.sort(key=lambda d: d.id or "")
    return [packs[k] for k in sorted(packs)]


def render_pack(pack: Pack, kb: KnowledgeBase, commit: str | None,
                settings: PrintSettings | None = None) -> bytes:
    """The pack's PDF: a cover page, then every sheet."""
    settings = settings or PrintSettings.from_config(kb.config)
    sheets = [make_sheet(doc, kb, commit, settings=settings) for doc in pack.docs]
    buffer = io.BytesIO()
    first = sheets[0]
    canvas = new_canvas(buffer, first, f"{pack.kind}: {pack.key}", f"print pack {pack.key}")
    _cover(canvas, pack, sheets, kb, settings, commit)
    for sheet in sheets:
        draw_sheet(canvas, sheet)
    canvas.save()
    return buffer.getvalue()


def _cover(canvas: object, pack: Pack, sheets: list[Sheet], kb: KnowledgeBase,
           settings: PrintSettings, commit: str | None) -> None:
    from reportlab.pdfgen.canvas import Canvas

    assert isinstance(canvas, Canvas)
    # The cover speaks the sheets' language when they share one (a Chinese
    # workstation's pack in an English knowledge base), else the site's.
    langs = {s.lang for s in sheets}
    lang = langs.pop() if len(langs) == 1 else kb.config.lang
    L = labels(lang)
    texts = [pack.key, *(s.title for s in sheets), *L.values()]
    fonts = fonts_for(texts, lang, settings.cjk_font, kb.root, pack.key)
    latin = fonts.regular == LATIN_REGULAR

    def shown(text: str) -> str:
        return latin_text(text) if latin else text

    width, height = PAPERS[settings.paper]
    margin = settings.margin_mm * 72 / 25.4
    x, y = margin, height - margin
    w = width - 2 * margin

    def line(text: str, size: float, bold: bool = False, indent: float = 0.0) -> None:
        nonlocal y
        for part in wrap(text, w - indent, fonts, size, bold):
            y -= size * LINE_SPACING
            canvas.setFont(fonts.bold if bold else fonts.regular, size)
            canvas.drawString(x + indent, y + 0.25 * size, shown(part))

    line(L["pack_title"].upper(), META_SIZE, True)
    line(pack.key, 18, True)
    line(L["pack_intro"].format(what=L[f"pack_{pack.kind}"]), 11)
    y -= 10
    cols = (0.0, 0.24, 0.82, 0.92)
    foot = L["cover_generated"] + (f" \u00b7 {L['build']} {commit}" if commit else "")

    def table_head() -> None:
        nonlocal y
        canvas.setFillGray(0.88)
        canvas.rect(x, y - 18, w, 18, stroke=0, fill=1)
        canvas.setFillGray(0)
        for col, key in zip(cols, ("id", "title", "revision", "pages"), strict=True):
            canvas.setFont(fonts.bold, META_SIZE)
            canvas.drawString(x + col * w + 3, y - 13, shown(L[key]))
        y -= 18

    table_head()
    for sheet in sheets:
        titles = wrap(sheet.title, w * 0.56, fonts, 11)
        row_h = len(titles) * 11 * LINE_SPACING + 6
        if y - row_h < margin + 40:
            # The list goes on over the next cover page, never cut short.
            canvas.setFont(fonts.regular, 8.5)
            canvas.drawString(x, margin, shown(foot))
            canvas.showPage()
            y = height - margin
            table_head()
        canvas.setFont(fonts.bold, 11)
        canvas.drawString(x + 3, y - 14, shown(sheet.doc_id))
        canvas.setFont(fonts.regular, 11)
        for i, part in enumerate(titles):
            canvas.drawString(x + cols[1] * w + 3, y - 14 - i * 11 * LINE_SPACING, shown(part))
        canvas.drawString(x + cols[2] * w + 3, y - 14, shown(sheet.revision))
        canvas.drawString(x + cols[3] * w + 3, y - 14, str(len(sheet.pages)))
        y -= row_h
        canvas.setLineWidth(0.5)
        canvas.line(x, y, x + w, y)
    canvas.setFont(fonts.regular, 8.5)
    canvas.drawString(x, margin, shown(foot))
    canvas.showPage()


def write_packs(kb: KnowledgeBase, out_dir: Path, kind: str,
                commit: str | None) -> dict[str, Path]:
    """Write one pack per workstation or area into ``out_dir``; key -> file."""
    settings = PrintSettings.from_config(kb.config)
    written: dict[str, Path] = {}
    for pack in group(kb, kind):
        target = out_dir / pack_filename(kind, pack.key)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_pack(pack, kb, commit, settings))
        written[pack.key] = target
    return written
