"""Paint a laid-out sheet (:mod:`.layout`) with reportlab; QR codes with segno.

The layout model decides every position; this module only draws it, so what
the tests check on the model is what is printed.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from .fonts import LATIN_REGULAR, latin_text
from .layout import Block, Sheet

_QUIET = 4  # modules of white border the QR specification asks for

# Streams are compressed binary, not also ASCII85-encoded (reportlab's default
# for 7-bit-clean files): a quarter smaller and faster to write.
rl_config.useA85 = 0


def new_canvas(buffer: io.BytesIO, sheet: Sheet, title: str, subject: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=(sheet.width, sheet.height), pageCompression=1,
                    invariant=1)
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setCreator("safetykb")
    return canvas


def render_sheet(sheet: Sheet) -> bytes:
    """The PDF of one sheet."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, sheet, f"{sheet.doc_id} {sheet.title}",
                        f"{sheet.doc_id} revision {sheet.revision}")
    draw_sheet(canvas, sheet)
    canvas.save()
    return buffer.getvalue()


def draw_sheet(canvas: Canvas, sheet: Sheet) -> None:
    """Draw every page of ``sheet`` on ``canvas`` (each ends with showPage)."""
    modules = _qr_modules(sheet.qr_url) if sheet.qr_url else None
    for page in sheet.pages:
        for block in page.blocks:
            _draw_block(canvas, sheet, block)
            for box in block.boxes:
                if box.role == "qr" and modules is not None:
                    _draw_qr(canvas, modules, box.x, box.y, box.w)
        if sheet.watermark:
            # Over everything (grey bands would hide it), translucent so the
            # text below stays readable.
            _watermark(canvas, sheet)
        canvas.showPage()


def _draw_block(canvas: Canvas, sheet: Sheet, block: Block) -> None:
    for box in block.boxes:
        if box.role:
            continue
        if box.fill is not None:
            canvas.setFillGray(box.fill)
        canvas.setLineWidth(box.line_width)
        canvas.rect(box.x, box.y, box.w, box.h, stroke=1 if box.stroke else 0,
                    fill=1 if box.fill is not None else 0)
    canvas.setFillGray(0)
    canvas.setStrokeGray(0)
    for rule in block.rules:
        canvas.setLineWidth(rule.width)
        canvas.line(rule.x1, rule.y1, rule.x2, rule.y2)
    fonts = sheet.fonts
    latin = fonts.regular == LATIN_REGULAR
    for t in block.texts:
        text = latin_text(t.text) if latin else t.text
        if t.bold and fonts.fake_bold:
            # The CJK font has no bold face: fill and stroke the outline.
            obj = canvas.beginText(t.x, t.y)
            obj.setFont(fonts.bold, t.size)
            obj.setTextRenderMode(2)
            canvas.setLineWidth(t.size * 0.035)
            obj.textOut(text)
            obj.setTextRenderMode(0)  # the mode is graphics state: it outlives BT/ET
            canvas.drawText(obj)
        else:
            canvas.setFont(fonts.bold if t.bold else fonts.regular, t.size)
            canvas.drawString(t.x, t.y, text)


def _watermark(canvas: Canvas, sheet: Sheet) -> None:
    text = sheet.watermark or ""
    fonts = sheet.fonts
    if fonts.regular == LATIN_REGULAR:
        text = latin_text(text)
    diagonal = math.hypot(sheet.width, sheet.height)
    size = min(120.0, 0.75 * diagonal / max(1.0, fonts.width(text, True, 1.0)))
    canvas.saveState()
    canvas.setFillGray(0.35)
    canvas.setFillAlpha(0.3)
    canvas.translate(sheet.width / 2, sheet.height / 2)
    canvas.rotate(math.degrees(math.atan2(sheet.height, sheet.width)))
    canvas.setFont(fonts.bold, size)
    canvas.drawCentredString(0, -size * 0.35, text)
    canvas.restoreState()


def _qr_modules(url: str) -> list[list[bool]]:
    import segno

    # A fixed mask: any of the eight is valid for every reader; choosing the
    # "best" one costs most of the encoding time.
    qr = segno.make(url, error="m", micro=False, mask=2)
    return [[bool(v) for v in row] for row in qr.matrix]


def _runs(row: Iterable[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row."""
    out: list[tuple[int, int]] = []
    start = -1
    cells = list(row)
    for i, dark in enumerate([*cells, False]):
        if dark and start < 0:
            start = i
        elif not dark and start >= 0:
            out.append((start, i - start))
            start = -1
    return out


def _draw_qr(canvas: Canvas, modules: list[list[bool]], x: float, y: float, size: float) -> None:
    """The QR code as one vector path, a rectangle per run of dark modules, in a
    coordinate system of one unit per module (whole numbers: small and fast to
    write), with its quiet zone inside ``size``."""
    n = len(modules)
    cell = size / (n + 2 * _QUIET)
    ops = [f"1 0 0 1 {x:.3f} {y:.3f} cm {cell:.5f} 0 0 {cell:.5f} 0 0 cm 0 g"]
    for r, row in enumerate(modules):
        top = n + _QUIET - r - 1
        ops += [f"{_QUIET + start} {top} {length} 1 re" for start, length in _runs(row)]
    ops.append("f")
    canvas.saveState()
    # reportlab has no public call for raw path operators; its page stream is _code.
    canvas._code.append("\n".join(ops))
    canvas.restoreState()
