"""Fonts for printed sheets: the PDF base-14 Helvetica for Latin text, a CJK
TrueType font for Chinese.

English sheets use Helvetica and Helvetica-Bold, which every PDF reader has,
so nothing is embedded and a sheet stays a few kilobytes. Chinese text needs a
TrueType font with CJK glyphs (reportlab cannot embed CFF/OpenType fonts such
as Noto CJK); WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``) is the
default. Only the glyphs used are embedded (reportlab subsets TrueType fonts),
so the text stays extractable and the file small. The font has no bold face:
bold is drawn by stroking the outline (text render mode 2).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Where the CJK font is looked for when ``print.cjk_font`` is empty, in order.
DEFAULT_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",   # Debian, Ubuntu: fonts-wqy-microhei
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",   # Fedora: wqy-microhei-fonts
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",  # Arch: wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",     # Debian: fonts-wqy-zenhei
    "/usr/local/share/fonts/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",                        # Windows: Microsoft YaHei
    "C:/Windows/Fonts/simhei.ttf",
)
FONT_PACKAGE = "fonts-wqy-microhei"
SETTING = "print.cjk_font"

LATIN_REGULAR = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
CJK_NAME = "SafetyKB-CJK"


class FontError(Exception):
    """No usable font for a document; the message names the setting and package."""


def find_cjk_font(configured: str, root: Path | None = None) -> Path | None:
    """The CJK font file to use: ``configured`` (relative to ``root``) when
    set, else the first default that exists; None when there is none."""
    if configured:
        path = Path(os.path.expanduser(configured))
        if not path.is_absolute() and root is not None:
            path = root / path
        return path if path.is_file() else None
    for candidate in DEFAULT_CJK_FONTS:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def missing_font_message(configured: str, doc_label: str) -> str:
    where = (f"the font file {configured!r} set in {SETTING} does not exist" if configured
             else f"no CJK TrueType font was found ({SETTING} is not set; looked in "
                  f"{', '.join(DEFAULT_CJK_FONTS[:3])}, ...)")
    return (f"{doc_label}: Chinese text cannot be printed: {where}. Install the package "
            f"{FONT_PACKAGE} (apt-get install {FONT_PACKAGE}) or set {SETTING} in "
            "safetykb.yml to a .ttf/.ttc font with Chinese glyphs")


_registered: dict[str, str] = {}


def register_cjk(path: Path) -> str:
    """Register the CJK font with reportlab once per process; its font name."""
    key = str(path)
    name = _registered.get(key)
    if name is not None:
        return name
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = f"{CJK_NAME}-{len(_registered)}"
    try:
        font = TTFont(name, key, subfontIndex=0) if key.lower().endswith(".ttc") \
            else TTFont(name, key)
    except (TTFError, OSError, ValueError) as exc:
        raise FontError(f"{SETTING}: {key} cannot be used as a TrueType font ({exc}); "
                        f"install {FONT_PACKAGE} or point {SETTING} at a .ttf/.ttc file"
                        ) from None
    pdfmetrics.registerFont(font)
    _registered[key] = name
    return name


@dataclass(frozen=True)
class FontSet:
    """The two faces a sheet is set in. ``fake_bold`` when the bold face is the
    regular one drawn with a stroked outline; ``approximate`` when the CJK font
    is not installed and widths are estimated (measuring only, never drawing)."""

    regular: str
    bold: str
    fake_bold: bool = False
    approximate: bool = False

    def width(self, text: str, bold: bool, size: float, keep: bool = True) -> float:
        """Advance width of ``text`` in points. Widths are additive (no
        kerning in either font), so they are summed from a per-character
        table; the sum of each text seen is kept (words recur on every sheet)
        unless ``keep`` is false (whole lines, which seldom recur)."""
        font = self.bold if bold else self.regular
        texts = _text_table(font, self.approximate)
        unit = texts.get(text)
        if unit is None:
            table = _table(font, self.approximate)
            try:
                unit = sum(map(table.__getitem__, text))
            except KeyError:
                for ch in text:
                    if ch not in table:
                        table[ch] = _char_width(ch, font, self.approximate)
                unit = sum(map(table.__getitem__, text))
            if keep and len(texts) < _TEXT_TABLE_MAX:
                texts[text] = unit
        return unit * size


#: Widths at 1 pt of whole texts (mostly words), per font; bounded.
_TEXTS: dict[tuple[str, bool], dict[str, float]] = {}
_TEXT_TABLE_MAX = 100_000


def _text_table(font: str, approximate: bool) -> dict[str, float]:
    table = _TEXTS.get((font, approximate))
    if table is None:
        table = _TEXTS[(font, approximate)] = {}
    return table


_TABLES: dict[tuple[str, bool], dict[str, float]] = {}


def _table(font: str, approximate: bool) -> dict[str, float]:
    table = _TABLES.get((font, approximate))
    if table is None:
        table = _TABLES[(font, approximate)] = {}
    return table


def _char_width(ch: str, font: str, approximate: bool) -> float:
    """Width of one character at 1 pt."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if approximate:
        # No CJK font installed: CJK glyphs are one em wide; others as Helvetica.
        return 1.0 if is_wide(ch) else float(stringWidth(ch, font, 1000)) / 1000
    return float(stringWidth(ch, font, 1000)) / 1000


LATIN = FontSet(LATIN_REGULAR, LATIN_BOLD)


def is_wide(ch: str) -> bool:
    """CJK ideographs, kana, hangul and full-width forms: one em wide, and a
    line may break before or after each."""
    code = ord(ch)
    return (0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF
            or 0xFE30 <= code <= 0xFE4F or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF)


def latin_ok(texts: Sequence[str]) -> bool:
    """True when Helvetica (WinAnsi encoding) can show every character."""
    try:
        for text in texts:
            if not text.isascii():  # (ASCII is in WinAnsi: no need to encode)
                text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def fonts_for(texts: Sequence[str], lang: str, configured: str, root: Path | None,
              doc_label: str, measuring: bool = False) -> FontSet:
    """The fonts for a sheet whose text is ``texts``.

    Chinese documents (and any whose text Helvetica cannot show) use the CJK
    font. Without one, a Chinese document is a :class:`FontError` (when
    ``measuring``, widths are estimated instead, so that ``check`` works on a
    machine without the font); other text falls back to Helvetica with
    unshowable characters replaced (see :func:`latin_text`).
    """
    if lang != "zh" and latin_ok(texts):
        return LATIN
    path = find_cjk_font(configured, root)
    if path is None:
        if measuring:
            return FontSet(LATIN_REGULAR, LATIN_BOLD, approximate=True)
        if lang == "zh":
            raise FontError(missing_font_message(configured, doc_label))
        return LATIN
    name = register_cjk(path)
    return FontSet(name, name, fake_bold=True)


def latin_text(text: str) -> str:
    """``text`` with what WinAnsi cannot encode replaced by '?', for Helvetica."""
    return text.encode("cp1252", "replace").decode("cp1252")
