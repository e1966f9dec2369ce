"""The layout model of a printed sheet: every text line, box and rule with its
position, computed from font metrics alone.

Drawing (:mod:`.render`) only paints this model, so the one-page rule (PR001)
measures a checklist without writing a PDF, and the layout tests check
positions (nothing overlaps, nothing crosses a margin, no text below the
minimum size) instead of PDF bytes. Units are PostScript points, origin at the
bottom left of the page, as in PDF.

Legibility choices (checklist design literature: Degani & Wiener, the WHO
surgical checklist, Gawande): sans-serif, item text at least
``print.min_font_size`` (12 pt), line spacing 1.35, no italics, black on
white; critical items bold, prefixed with CRITICAL and marked with a black bar,
so they stand out without colour.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..config import Config, ConfigError
from ..model import Document
from . import content
from .fonts import FontSet, fonts_for, is_wide
from .labels import labels, status_text

MM = 72 / 25.4
PAPERS = {"A4": (210 * MM, 297 * MM), "A5": (148 * MM, 210 * MM), "LETTER": (612.0, 792.0)}
LINE_SPACING = 1.35
#: Smallest size of any text on a sheet (footer, labels); item and step text
#: never goes below ``print.min_font_size``.
FINE_PRINT = 8.0
META_SIZE = 9.5
NOTE_SIZE = 10.0
#: Roles of texts that must be at least ``min_font_size``.
BODY_ROLES = ("item", "step")


@dataclass(frozen=True)
class PrintSettings:
    """The ``print:`` settings of ``safetykb.yml`` (see ``conf/default.yaml``)."""

    paper: str = "A4"
    font_size: float = 13.0
    min_font_size: float = 12.0
    cjk_font: str = ""
    margin_mm: float = 12.0

    @classmethod
    def from_config(cls, config: Config) -> PrintSettings:
        data: Any = config.data.get("print") or {}
        where = f"{config.path.name if config.path else 'safetykb.yml'}: print"
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: expected a mapping of settings")
        paper = str(data.get("paper", "A4"))
        if paper.upper() not in PAPERS:
            raise ConfigError(f"{where}.paper: expected A4, A5 or Letter, got {paper!r}")
        try:
            size = float(data.get("font_size", 13))
            minimum = float(data.get("min_font_size", 12))
            margin = float(data.get("margin_mm", 12))
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: font_size, min_font_size and margin_mm must be "
                              "numbers") from None
        if not 12 <= minimum <= size <= 24:
            raise ConfigError(f"{where}: expected 12 <= min_font_size <= font_size <= 24 "
                              f"(checklist text is at least 12 pt), got {minimum} and {size}")
        if not 5 <= margin <= 30:
            raise ConfigError(f"{where}.margin_mm: expected 5 to 30, got {margin}")
        return cls(paper.upper(), size, minimum, str(data.get("cjk_font") or ""), margin)


# --- the model ---------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """One line of text; ``y`` is the baseline."""

    x: float
    y: float
    text: str
    size: float
    bold: bool = False
    role: str = "text"


@dataclass(frozen=True)
class Box:
    """A rectangle: a tick box (stroked), a band (filled grey) or a bar (filled black)."""

    x: float
    y: float
    w: float
    h: float
    line_width: float = 0.9
    fill: float | None = None
    stroke: bool = True
    #: "qr": where the QR code is drawn (nothing else is drawn for it).
    role: str = ""


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.6


@dataclass
class Block:
    """A placed block (header, pause point, item, sign-off, footer, QR code...)."""

    kind: str
    x: float
    y: float
    w: float
    h: float
    texts: list[Text] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    line: int = 0


@dataclass
class Page:
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Sheet:
    """A laid-out sheet. ``overflow_lines`` > 0 when a checklist does not fit
    one page at the minimum font size (``overflow_line`` is the source line of
    the first item that does not fit)."""

    doc_id: str
    title: str
    kind: str
    lang: str
    revision: str
    width: float
    height: float
    margin: float
    fonts: FontSet
    font_size: float
    pages: list[Page] = field(default_factory=list)
    overflow_lines: int = 0
    overflow_line: int = 0
    watermark: str | None = None
    qr_url: str | None = None

    def describe(self) -> str:
        """The model as text (positions rounded to 0.1 pt), for golden files."""
        out = [f"sheet {self.doc_id} {self.kind} {self.lang} {self.width:.1f}x{self.height:.1f}"
               f" size {self.font_size:g} watermark {self.watermark or '-'}"]
        for number, page in enumerate(self.pages, 1):
            out.append(f"page {number}")
            for b in page.blocks:
                out.append(f"  {b.kind} {b.x:.1f},{b.y:.1f} {b.w:.1f}x{b.h:.1f}")
                out += [f"    text {'B' if t.bold else 'R'} {t.size:g} {t.x:.1f},{t.y:.1f} "
                        f"{t.text}" for t in b.texts]
                out += [f"    box {x.x:.1f},{x.y:.1f} {x.w:.1f}x{x.h:.1f} {x.role}".rstrip()
                        for x in b.boxes]
                out += [f"    rule {r.x1:.1f},{r.y1:.1f} {r.x2:.1f},{r.y2:.1f}" for r in b.rules]
        return "\n".join(out) + "\n"


# --- text wrapping ---------------------------------------------------------------

_TOKEN = re.compile(
    r"\s+|[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
    r"|[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")
#: Punctuation that must not begin a line (kinsoku): it stays with the
#: character before it, which moves down with it.
_NO_LINE_START = frozenset("，。、；：！？）》」』】〕…,.;:!?)%")


def wrap(text: str, width: float, fonts: FontSet, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width``: at spaces, between
    CJK characters, and inside a word only when the word alone is too wide."""
    # Most texts fit on one line (item texts, labels, field values): then the
    # loop below would keep every word on the first line, joined by single
    # spaces, which is what this gives without measuring word by word. Texts
    # within a thousandth of a point of the width take the loop (so a sum of
    # word widths rounded differently cannot decide otherwise).
    one_line = " ".join(text.split())
    if fonts.width(one_line, bold, size, keep=False) <= width - 0.001:
        return [one_line]
    return _wrap_words(text, width, fonts, size, bold)


def _wrap_words(text: str, width: float, fonts: FontSet, size: float, bold: bool) -> list[str]:
    """:func:`wrap` word by word."""
    lines: list[str] = []
    cur = ""
    cur_w = 0.0
    space = False
    space_w = fonts.width(" ", bold, size)
    for tok in _TOKEN.findall(text):
        if tok.isspace():
            space = bool(cur)
            continue
        tok_w = fonts.width(tok, bold, size)
        added = tok_w + (space_w if space else 0.0)
        if cur and cur_w + added <= width:
            cur, cur_w = (f"{cur} {tok}" if space else cur + tok), cur_w + added
        elif cur and tok[0] in _NO_LINE_START and not space and len(cur) > 1 \
                and is_wide(cur[-1]):
            lines.append(cur[:-1])
            cur = cur[-1] + tok
            cur_w = fonts.width(cur, bold, size)
        else:
            if cur:
                lines.append(cur)
            if tok_w > width:
                parts = _break_word(tok, width, fonts, size, bold)
                lines.extend(parts[:-1])
                tok = parts[-1]
                tok_w = fonts.width(tok, bold, size)
            cur, cur_w = tok, tok_w
        space = False
    if cur:
        lines.append(cur)
    return lines or [""]


def _break_word(word: str, width: float, fonts: FontSet, size: float, bold: bool) -> list[str]:
    parts: list[str] = []
    cur = ""
    for ch in word:
        if cur and fonts.width(cur + ch, bold, size) > width:
            parts.append(cur)
            cur = ""
        cur += ch
    parts.append(cur)
    return parts


# --- blocks under construction ------------------------------------------------------


@dataclass
class Draft:
    """A block being built: ``y`` of its elements is measured from its top
    (negative downwards) until :meth:`place` puts it on the page."""

    kind: str
    x: float
    w: float
    line: int = 0
    h: float = 0.0
    gap_after: float = 0.0
    keep_with_next: bool = False
    texts: list[Text] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    def lines(self, lines: list[str], x: float, top: float, size: float, bold: bool = False,
              role: str = "text", leading: float | None = None) -> float:
        """Add ``lines`` with their first line box at ``top`` (from the block's
        top); returns the height they take."""
        lead = leading or size * LINE_SPACING
        for i, text in enumerate(lines):
            baseline = -(top + i * lead + (lead - size) / 2 + 0.8 * size)
            self.texts.append(Text(x, baseline, text, size, bold, role))
        return lead * len(lines)

    def place(self, top: float) -> Block:
        return Block(
            self.kind, self.x, top - self.h, self.w, self.h,
            [replace(t, y=t.y + top) for t in self.texts],
            [replace(b, y=b.y + top) for b in self.boxes],
            [replace(r, y1=r.y1 + top, y2=r.y2 + top) for r in self.rules],
            self.line)


def baseline_of(size: float, top: float, leading: float | None = None) -> float:
    lead = leading or size * LINE_SPACING
    return -(top + (lead - size) / 2 + 0.8 * size)


# --- the sheet builder ------------------------------------------------------------------


class _Layout:
    """Everything one sheet needs while it is laid out."""

    def __init__(self, doc: Document, config: Config, settings: PrintSettings,
                 fonts: FontSet, lang: str, commit: str | None, site_url: str,
                 pauses: list[content.PausePoint] | None = None) -> None:
        self.doc = doc
        self.pauses = content.pause_points(doc) if pauses is None else pauses
        self.settings = settings
        self.fonts = fonts
        self.lang = lang
        self.L = labels(lang)
        self.commit = commit
        self.width, self.height = PAPERS[settings.paper]
        self.margin = settings.margin_mm * MM
        self.x = self.margin
        self.w = self.width - 2 * self.margin
        self.top = self.height - self.margin
        small = settings.paper == "A5"
        self.title_size = 14.0 if small else 16.0
        self.qr_size = 54.0 if small else 62.0
        doc_id = doc.id or ""
        self.qr_url = (f"{site_url.rstrip('/')}/id/{quote(doc_id, safe='')}/"
                       if site_url and doc_id else None)
        self.config = config
        self._footer_h: float | None = None

    # -- shared parts
    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        return wrap(text, width, self.fonts, size, bold)

    def header(self) -> Draft:
        doc, L = self.doc, self.L
        d = Draft("header", self.x, self.w)
        kicker = L["checklist_kicker"] if doc.type == "checklist" else L["action_kicker"]
        y = d.lines([kicker], self.x, 0, META_SIZE, bold=True)
        y += d.lines(self.wrap(content.literal(doc.title), self.w, self.title_size, True),
                     self.x, y, self.title_size, bold=True, role="title", leading=
                     self.title_size * 1.25)
        y += 4
        meta = doc.meta

        def value(key: str) -> str:
            v = meta.get(key)
            if isinstance(v, list):
                return ", ".join(content.literal(x) for x in v)
            return content.literal(v) if v not in (None, "") else "-"

        left = [(L["id"], doc.id or "-"), (L["revision"], value("revision")),
                (L["effective"], value("effective")),
                (L["status"], status_text(str(meta.get("status", "")), self.lang))]
        if doc.type == "checklist":
            mode = str(meta.get("mode", ""))
            right = [(L["mode"], L.get(f"mode_{mode}", mode or "-"))]
            # (Optional: a sheet not posted at one workstation leaves the line out.)
            if meta.get("workstation") not in (None, "", []):
                right.append((L["workstation"], value("workstation")))
            right.append((L["owner"], value("owner")))
            if meta.get("procedure"):
                right.append((L["procedure"], value("procedure")))
        else:
            right = [(L["owner"], value("owner"))]
            if meta.get("applies_to"):
                right.append((L["applies_to"], value("applies_to")))
        col_w = (self.w - 12) / 2
        heights = [self._fields(d, left, self.x, y, col_w),
                   self._fields(d, right, self.x + col_w + 12, y, col_w)]
        y += max(heights) + 4
        d.rules.append(Rule(self.x, -y, self.x + self.w, -y, 1.2))
        d.h = y + 1
        d.gap_after = 8
        return d

    def _fields(self, d: Draft, fields: list[tuple[str, str]], x: float, top: float,
                width: float) -> float:
        y = top
        lead = META_SIZE * 1.3
        for label, text in fields:
            label = label + (" " if self.lang == "zh" else ": ")
            lw = self.fonts.width(label, True, META_SIZE)
            d.lines([label], x, y, META_SIZE, bold=True, leading=lead)
            lines = self.wrap(text, width - lw, META_SIZE)
            y += d.lines(lines, x + lw, y, META_SIZE, leading=lead)
        return y - top

    def paragraph(self, kind: str, text: str, size: float, line: int = 0) -> Draft:
        d = Draft(kind, self.x, self.w, line)
        d.h = d.lines(self.wrap(text, self.w, size), self.x, 0, size) + 2
        d.gap_after = 4
        return d

    def footer(self, page: int, pages: int) -> Draft:
        """The footer: id, revision, build, page, the uncontrolled notice and
        the QR code at the right (its space is kept even without a URL, so a
        checklist fits the same on every site)."""
        L = self.L
        text_w = self.w - self.qr_size - 10
        d = Draft("footer", self.x, self.w)
        parts = [self.doc.id or "-", f"{L['revision']} {self.doc.meta.get('revision', '-')}"]
        if self.commit:
            parts.append(f"{L['build']} {self.commit}")
        parts.append(L["page"].format(n=page, m=pages))
        size = FINE_PRINT + 0.5
        y = 6.0
        y += d.lines(self.wrap(" \u00b7 ".join(parts), text_w, size, True), self.x, y, size,
                     bold=True)
        note = (L["uncontrolled"].format(url=self.qr_url) if self.qr_url else L["no_url"])
        y += d.lines(self.wrap(note, text_w, size), self.x, y, size, role="uncontrolled")
        d.rules.append(Rule(self.x, -1, self.x + self.w, -1, 0.6))
        d.h = max(y, self.qr_size + 6)
        d.boxes.append(Box(self.x + self.w - self.qr_size, -d.h, self.qr_size, self.qr_size,
                           0, None, False, "qr"))
        return d

    def footer_height(self) -> float:
        if self._footer_h is None:
            self._footer_h = self.footer(9, 9).h
        return self._footer_h

    # -- checklists
    def checklist_drafts(self, size: float) -> list[Draft]:
        doc, L = self.doc, self.L
        inspection = doc.meta.get("mode") == "inspection"
        drafts = [self.paragraph("intro", p, NOTE_SIZE) for p in content.intro(doc)]
        col = 30.0
        answers_x = self.x + self.w - 3 * col
        for pause in self.pauses:
            if pause.title or inspection:
                head = Draft("pause", self.x, self.w, pause.line, keep_with_next=True)
                hs = size + 1
                head.h = hs * LINE_SPACING + 4
                head.boxes.append(Box(self.x, -head.h, self.w, head.h, fill=0.88, stroke=False))
                title_w = (answers_x - 6 if inspection else self.x + self.w) - self.x - 8
                lines = self.wrap(pause.title, title_w, hs, True)[:1] if pause.title else []
                head.lines(lines, self.x + 4, 2, hs, bold=True)
                if inspection:
                    for i, key in enumerate(("yes", "no", "na")):
                        word = L[key]
                        ww = self.fonts.width(word, True, FINE_PRINT + 0.5)
                        head.texts.append(Text(answers_x + i * col + (col - ww) / 2,
                                               baseline_of(FINE_PRINT + 0.5, 2, head.h - 4),
                                               word, FINE_PRINT + 0.5, True, "label"))
                head.gap_after = 2
                drafts.append(head)
            for row in pause.rows:
                if row.kind == "item":
                    drafts.append(self.item(row, size, inspection, answers_x, col))
                elif row.kind == "lead":
                    drafts.append(self.lead_in(row, size))
                elif row.kind == "sub":
                    drafts.append(self.lead_in(row, size, bold=True))
                else:
                    drafts.append(self.paragraph("note", row.text, NOTE_SIZE, row.line))
            if drafts:
                drafts[-1].gap_after = 8
        if inspection:
            drafts.append(self.dangers())
        drafts.append(self.signoff())
        return drafts

    def lead_in(self, row: content.Row, size: float, bold: bool = False) -> Draft:
        """A plain list entry that introduces nested items, set like an item
        without a box (it is part of what the nested items ask); ``bold`` for
        a ``###`` heading inside a pause point."""
        d = Draft(row.kind, self.x, self.w, row.line, keep_with_next=True)
        text_x = self.x + 6
        d.h = d.lines(self.wrap(row.text, self.x + self.w - text_x, size, bold), text_x, 3,
                      size, bold=bold, role="item") + 3
        return d

    def item(self, item: content.Row, size: float, inspection: bool, answers_x: float,
             col: float) -> Draft:
        d = Draft("item", self.x, self.w, item.line)
        pad = 2.0
        box = round(size * 0.85, 2)
        indent = 18.0 * min(item.depth, 3)
        # An inspection item is answered in the Yes / No / N/A boxes alone: a
        # tick box of its own would be a second place to mark the same check.
        text_x = self.x + 6 + indent + (0 if inspection else box + 7)
        right = answers_x - 6 if inspection else self.x + self.w
        text = f"{self.L['critical']} {item.text}" if item.critical else item.text
        if self.lang == "zh" and item.critical:
            text = f"{self.L['critical']}{item.text}"
        lines = self.wrap(text, right - text_x, size, item.critical)
        y = pad + d.lines(lines, text_x, pad, size, bold=item.critical, role="item")
        base = baseline_of(size, pad)
        if not inspection:
            d.boxes.append(Box(self.x + 6 + indent, base - 0.05 * size, box, box, 1.1))
        else:
            for i in range(3):
                d.boxes.append(Box(answers_x + i * col + (col - box) / 2, base - 0.05 * size,
                                   box, box, 1.1))
            # The finding line follows the last line of text when there is room
            # for a useful length of it, else it gets a line of its own.
            label = self.L["finding"]
            fs = FINE_PRINT + 0.5
            lw = self.fonts.width(label, False, fs)
            last_w = self.fonts.width(lines[-1], item.critical, size)
            inline_x = text_x + last_w + 12
            if inline_x + lw + 4 + 90 <= right:
                row_top = y - size * LINE_SPACING
                label_base = baseline_of(size, row_top)
                d.texts.append(Text(inline_x, label_base, label, fs, False, "label"))
                d.rules.append(Rule(inline_x + lw + 4, label_base - 1, right, label_base - 1,
                                    0.5))
            else:
                d.lines([label], text_x, y, fs, role="label")
                line_y = baseline_of(fs, y) - 1
                d.rules.append(Rule(text_x + lw + 4, line_y, right, line_y, 0.5))
                y += fs * LINE_SPACING
        d.h = y + pad
        if item.critical:
            d.boxes.append(Box(self.x, -d.h + 2, 3, d.h - 4, fill=0.0, stroke=False))
        return d

    def dangers(self) -> Draft:
        d = Draft("dangers", self.x, self.w)
        d.lines(self.wrap(self.L["dangers"], self.w - 12, META_SIZE, True)[:1], self.x + 6, 4,
                META_SIZE, bold=True)
        y = 4 + META_SIZE * LINE_SPACING
        for _ in range(3):
            y += 20
            d.rules.append(Rule(self.x + 6, -y, self.x + self.w - 6, -y, 0.5))
        d.h = y + 6
        d.boxes.append(Box(self.x, -d.h, self.w, d.h, 1.0))
        d.gap_after = 8
        return d

    def signoff(self) -> Draft:
        L = self.L
        d = Draft("signoff", self.x, self.w)
        col_w = self.w / 2
        row_h = 22.0
        for r, pair in enumerate(((L["name"], L["date"]), (L["shift"], L["supervisor"]))):
            for c, label in enumerate(pair):
                x = self.x + c * col_w
                top = r * row_h + 6
                d.lines([label], x, top, META_SIZE, bold=True)
                base = baseline_of(META_SIZE, top)
                lw = self.fonts.width(label, True, META_SIZE)
                d.rules.append(Rule(x + lw + 4, base - 1, x + col_w - (12 if c == 0 else 0),
                                    base - 1, 0.6))
        d.h = 2 * row_h + 6
        return d

    # -- actions
    def columns(self) -> list[tuple[float, float]]:
        no_w = 26.0
        rest = self.w - no_w
        widths = [no_w, rest * 0.4, rest * 0.3, rest - rest * 0.4 - rest * 0.3]
        out, x = [], self.x
        for w in widths:
            out.append((x, w))
            x += w
        return out

    def steps_head(self) -> Draft:
        L = self.L
        d = Draft("steps-head", self.x, self.w, keep_with_next=True)
        d.h = META_SIZE * LINE_SPACING + 6
        d.boxes.append(Box(self.x, -d.h, self.w, d.h, 0.8, fill=0.88))
        for (x, w), key in zip(self.columns(), ("step_no", "step", "key_point", "hazard"),
                               strict=True):
            d.lines(self.wrap(L[key], w - 8, META_SIZE, True)[:1], x + 4, 3, META_SIZE, True)
        return d

    def step(self, step: content.Step, size: float) -> Draft:
        d = Draft("step", self.x, self.w, step.line)
        cols = self.columns()
        pad = 4.0
        d.lines([str(step.number)], cols[0][0] + 4, pad, size, bold=True, role="step")
        heights = [size * LINE_SPACING]
        for (x, w), text in zip(cols[1:], (step.text, step.key_point, step.hazard),
                                strict=True):
            # The step's nested bullets each on a line of their own.
            wrapped = [line for part in text.split("\n") for line in self.wrap(part, w - 8, size)]
            heights.append(d.lines(wrapped, x + 4, pad, size, role="step"))
        d.h = max(heights) + 2 * pad
        d.rules.append(Rule(self.x, -d.h, self.x + self.w, -d.h, 0.6))
        for x, _ in cols:
            d.rules.append(Rule(x, 0, x, -d.h, 0.6))
        d.rules.append(Rule(self.x + self.w, 0, self.x + self.w, -d.h, 0.6))
        return d

    def prohibited(self, entries: list[str], size: float) -> Draft:
        d = Draft("prohibited", self.x, self.w)
        y = 6 + d.lines([self.L["prohibited"]], self.x + 8, 6, size, bold=True)
        bullet = self.L["bullet"]
        bw = self.fonts.width(bullet + " ", True, size) + 2
        for entry in entries:
            d.lines([bullet], self.x + 8, y, size, bold=True)
            y += d.lines(self.wrap(entry, self.w - 16 - bw, size), self.x + 8 + bw, y, size,
                         role="step")
        d.h = y + 6
        d.boxes.append(Box(self.x, -d.h, self.w, d.h, 1.6))
        return d

    def action_drafts(self, size: float) -> list[Draft]:
        doc = self.doc
        steps = content.steps(doc, self.config.steps_section("action", self.lang))
        drafts: list[Draft] = []
        if steps:
            drafts.append(self.steps_head())
            drafts += [self.step(s, size) for s in steps]
            drafts[-1].gap_after = 10
        names = self.config.required_sections("action", self.lang)
        prohibited_title = names[3] if len(names) > 3 else "Prohibited actions"
        entries = content.bullets(doc, prohibited_title, "Prohibited actions", "禁止行为")
        if entries:
            drafts.append(self.prohibited(entries, size))
        return drafts

    # -- pages
    def fits(self, header: Draft, drafts: list[Draft]) -> float:
        """Space left on one page (negative: how much is missing)."""
        floor = self.margin + self.footer_height() + 8
        used = header.h + header.gap_after + sum(d.h + d.gap_after for d in drafts)
        used -= drafts[-1].gap_after if drafts else 0
        return (self.top - floor) - used

    def paginate(self, header: Draft, drafts: list[Draft]) -> list[Page]:
        floor = self.margin + self.footer_height() + 8
        pages: list[Page] = []
        page = Page([header.place(self.top)])
        y = self.top - header.h - header.gap_after
        head = next((d for d in drafts if d.kind == "steps-head"), None)
        for i, d in enumerate(drafts):
            need = d.h + (drafts[i + 1].h if d.keep_with_next and i + 1 < len(drafts) else 0)
            if y - need < floor and len(page.blocks) > 1:
                pages.append(page)
                page = Page([header.place(self.top)])
                y = self.top - header.h - header.gap_after
                if head is not None and d.kind == "step":
                    page.blocks.append(head.place(y))
                    y -= head.h
            page.blocks.append(d.place(y))
            y -= d.h + d.gap_after
        pages.append(page)
        for number, page in enumerate(pages, 1):
            foot = self.footer(number, len(pages))
            page.blocks.append(foot.place(self.margin + foot.h))
        return pages


def _sizes(settings: PrintSettings) -> list[float]:
    """Font sizes to try, largest first, in half points down to the minimum."""
    out, size = [], settings.font_size
    while size > settings.min_font_size:
        out.append(size)
        size -= 0.5
    return [*out, settings.min_font_size]


def sheet_texts(doc: Document, lang: str,
                pauses: list[content.PausePoint] | None = None) -> list[str]:
    """Every text that may go on the sheet (to choose its fonts); ``pauses``:
    the checklist's :func:`~.content.pause_points`, when already read."""
    texts = [doc.title, *labels(lang).values(),
             *(str(v) for k, v in doc.meta.items()
               if k in ("id", "owner", "workstation", "applies_to", "procedure", "effective"))]
    if doc.type == "checklist":
        texts += content.intro(doc)
        for pause in content.pause_points(doc) if pauses is None else pauses:
            texts += [pause.title, *(r.text for r in pause.rows)]
    else:
        texts += [s.title for s in doc.sections]
        for section in doc.sections:
            texts += [t for t, _ in section.text_lines]
    return texts


def watermark_for(doc: Document, lang: str) -> str | None:
    status = doc.status or "draft"
    if status == "approved" and doc.takes_effect:
        # Printed by name ahead of its date (to train on it), never posted.
        return f'{labels(lang)["wm_upcoming"]} \u2014 {doc.takes_effect}'
    if status == "approved":
        return None
    return labels(lang).get(f"wm_{status}", labels(lang)["wm_draft"])


def layout_sheet(doc: Document, config: Config, *, commit: str | None = None,
                 site_url: str | None = None, root: Path | None = None,
                 settings: PrintSettings | None = None, measuring: bool = False) -> Sheet:
    """Lay out the printed sheet of a checklist or action.

    A checklist is set at ``font_size``, or smaller in half-point steps down
    to ``min_font_size`` when that is what it takes to fit one page, never
    below; one that still does not fit gets ``overflow_lines`` (and is laid
    out over two pages). An action (job card) may run onto more pages, each
    with the header and the table head repeated. Raises
    :class:`~.fonts.FontError` for Chinese text without a CJK font (unless
    ``measuring``: widths are then estimated).
    """
    settings = settings or PrintSettings.from_config(config)
    lang = doc.lang or config.lang
    # Read once: the fonts are chosen from the same texts the layout sets.
    pauses = content.pause_points(doc) if doc.type == "checklist" else []
    fonts = fonts_for(sheet_texts(doc, lang, pauses), lang, settings.cjk_font, root, doc.relpath,
                      measuring)
    url = config.site_url if site_url is None else site_url
    lay = _Layout(doc, config, settings, fonts, lang, commit, url, pauses)
    header = lay.header()
    build = lay.checklist_drafts if doc.type == "checklist" else lay.action_drafts
    chosen = settings.min_font_size
    drafts: list[Draft] = []
    # The one-page rule only asks whether it fits at the minimum size.
    for size in [settings.min_font_size] if measuring else _sizes(settings):
        drafts = build(size)
        if lay.fits(header, drafts) >= 0:
            chosen = size
            break
    sheet = Sheet(doc.id or "", content.plain(doc.title), doc.type or "", lang,
                  str(doc.meta.get("revision", "")), lay.width, lay.height, lay.margin, fonts,
                  chosen, watermark=watermark_for(doc, lang), qr_url=lay.qr_url)
    missing = -lay.fits(header, drafts)
    if missing > 0 and doc.type == "checklist":
        sheet.overflow_lines = math.ceil(missing / (settings.min_font_size * LINE_SPACING) - 1e-6)
        room = lay.top - header.h - header.gap_after - (lay.margin + lay.footer_height() + 8)
        trailing = sum(d.h + d.gap_after for d in drafts if d.kind in ("dangers", "signoff"))
        y = 0.0
        first = next((d for d in drafts if d.kind == "item"), None)
        sheet.overflow_line = first.line if first else doc.fm_end
        for d in drafts:
            y += d.h
            if y > room - trailing and d.kind in ("item", "note", "pause", "lead", "sub"):
                sheet.overflow_line = d.line or sheet.overflow_line
                break
            y += d.gap_after
    if not measuring:
        sheet.pages = lay.paginate(header, drafts)
    return sheet
