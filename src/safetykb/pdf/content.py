"""What a printed sheet shows, taken from a loaded :class:`Document`.

Sheets are plain text: inline Markdown (emphasis, code, links, raw HTML tags)
is reduced to its words. Nothing here re-reads files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..markdown import parser
from ..model import Document, Item, ListBlock

_SPACE = re.compile(r"\s+")
_KEY_POINT = re.compile(r"^(?:key\s*points?|要点|关键点|操作要点)\s*[:：]\s*", re.I)
_HAZARD = re.compile(r"^(?:hazards?|危险|危害|风险|危险点)\s*[:：]\s*", re.I)
#: A line that starts a list item (a nested bullet, not a paragraph).
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_BLOCK_START = re.compile(r"^\s*(?:#|[-*+]\s|\d+[.)]\s|\||```|~~~|<)")


_MARKUP = re.compile(r"[\[\]<>*_`\\&!]")
_INLINE = parser()


def plain(markdown: str) -> str:
    """The words of one line of inline Markdown, read by the parser the rules
    and the site use (links and emphasis become their text, raw HTML tags are
    dropped, entities and escapes decoded), so a sheet says what the page says."""
    if not _MARKUP.search(markdown):
        return " ".join(markdown.split())
    tokens = _INLINE.parseInline(markdown)[0].children or []
    words: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            words.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            words.append(" ")
        elif token.type == "image":
            words.append("".join(c.content for c in token.children or []))
    return _SPACE.sub(" ", "".join(words)).strip()


def literal(value: object) -> str:
    """A front-matter value as written (it is not Markdown), on one line."""
    return " ".join(str(value).split())


@dataclass
class SheetItem:
    text: str
    line: int
    critical: bool = False


@dataclass
class Row:
    """One line of a pause point as printed, in document order: an ``item``
    (tick box), a ``lead`` (a plain list entry that introduces nested items:
    "Where the disconnect does not also ...:"), a ``sub`` (a ``###`` or deeper
    heading inside the pause point) or a ``note`` (a paragraph or a plain
    bullet)."""

    kind: str
    text: str
    line: int
    critical: bool = False
    depth: int = 0


@dataclass
class PausePoint:
    title: str
    line: int
    items: list[SheetItem] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


@dataclass
class Step:
    number: int
    text: str
    line: int
    key_point: str = ""
    hazard: str = ""


def intro(doc: Document) -> list[str]:
    """Paragraphs between the title and the first ``##`` heading."""
    end = doc.sections[0].line if doc.sections else doc.body_line + doc.body.count("\n") + 1
    lines = doc.body.split("\n")[: max(0, end - doc.body_line)]
    paragraphs: list[str] = []
    current: list[str] = []
    for raw in [*lines, ""]:
        line = raw.strip()
        if line.startswith(">"):
            line = line.lstrip("> ").strip()
        if not line or _BLOCK_START.match(raw):
            if current:
                paragraphs.append(plain(" ".join(current)))
                current = []
            continue
        current.append(line)
    return [p for p in paragraphs if p]


def pause_points(doc: Document) -> list[PausePoint]:
    """The checklist's pause points with their items, lead-ins and notes."""
    out: list[PausePoint] = []
    # What stands before the first ``##`` (CL001 reports it; where that rule
    # is off the sheet still prints all of it): tick boxes, lead-ins and
    # notes of its lists and its ``###`` headings. Its paragraphs are the intro.
    first = doc.sections[0].line if doc.sections else None
    subs = [(level, text, ln) for level, text, ln in doc.headings
            if level >= 3 and (first is None or ln < first)]
    if doc.preamble_items or subs or any(b.items for b in doc.preamble_lists):
        lines = [ln for _, _, ln in subs] + [b.line for b in doc.preamble_lists]
        line = min(lines + [i.line for i in doc.preamble_items])
        out.append(_pause("", line, doc.preamble_items, doc.preamble_lists, [], subs))
    for section in doc.sections:
        out.append(_pause(plain(section.title), section.line, section.items,
                          section.lists, section.paragraphs, section.subheadings))
    return out


def _pause(title: str, line: int, items: list[Item], lists: list[ListBlock],
           paragraphs: list[tuple[str, int]],
           subheadings: list[tuple[int, str, int]]) -> PausePoint:
    texts = [plain(i.text) for i in items]
    pause = PausePoint(title, line, [SheetItem(text, i.line, i.critical)
                                     for text, i in zip(texts, items, strict=True)])
    rows = [Row("item", text, i.line, i.critical, i.depth)
            for text, i in zip(texts, items, strict=True)]
    rows += [Row("sub", text, ln) for _, t, ln in subheadings if (text := plain(t))]
    item_lines = {i.line for i in items}
    for block in lists:
        for entry in block.items:
            if entry.line in item_lines or not (text := plain(entry.text)):
                continue
            nested = any(ln in item_lines for _, ln in entry.children)
            rows.append(Row("lead", text, entry.line) if nested
                        else Row("note", f"\u2022 {text}", entry.line))
    rows += [Row("note", text, ln) for t, ln in paragraphs if (text := plain(t))]
    pause.rows = sorted(rows, key=lambda r: r.line)
    return pause


def steps(doc: Document, section_title: str | None) -> list[Step]:
    """The numbered steps of an action, each with its key point and hazard."""
    section = doc.section(section_title) if section_title else None
    if section is None:
        return []
    out: list[Step] = []
    source_lines = doc.text.split("\n")
    for block in section.lists:
        if not block.ordered:
            continue
        for entry in block.items:
            step = Step(len(out) + 1, "", entry.line)
            # The step's own paragraph may carry its key point and hazard on
            # indented lines of its own ("1. Stop.\n   Key point: ..."); nested
            # bullets and paragraphs may too. A line that is neither
            # continues what the line before it started.
            _read_labels(step, entry.text.split("\n"))
            for child, line in entry.children:
                source = source_lines[line - 1] if 0 < line <= len(source_lines) else ""
                lead = "\u2022 " if _LIST_MARKER.match(source) else ""
                _read_labels(step, child.split("\n"), lead)
            out.append(step)
    return out


def _read_labels(step: Step, lines: list[str], lead: str | None = None) -> None:
    """Add ``lines`` to ``step``: ``Key point:`` and ``Hazard:`` lines (and the
    lines that continue them) to those columns, the rest to the step text.
    A nested block (``lead`` not None) that is neither goes on a line of its
    own under the step text, after ``lead`` (a bullet for a nested bullet,
    nothing for a paragraph), as the page shows it."""
    target = "text"
    for number, raw in enumerate(lines):
        text = plain(raw)
        if _KEY_POINT.match(text):
            target, text = "key_point", _sentence(_KEY_POINT.sub("", text))
        elif _HAZARD.match(text):
            target, text = "hazard", _sentence(_HAZARD.sub("", text))
        elif lead is not None and number == 0 and text:
            step.text = f"{step.text}\n{lead}{text}" if step.text else f"{lead}{text}"
            continue
        setattr(step, target, _join(getattr(step, target), text))


def bullets(doc: Document, *titles: str) -> list[str]:
    """Entries of the lists (or the paragraphs) of the first section named ``titles``."""
    section = doc.section(*titles)
    if section is None:
        return []
    entries = [plain(e.text) for block in section.lists for e in block.items]
    return [e for e in entries if e] or [plain(t) for t, _ in section.paragraphs if plain(t)]


def is_label_line(line: str) -> bool:
    """True when ``line`` of a step starts its key point or its hazard."""
    text = plain(line)
    return bool(_KEY_POINT.match(text) or _HAZARD.match(text))


def _sentence(text: str) -> str:
    """A cell's text as a sentence: "wait until ..." after ``Key point:``
    starts its cell as "Wait until ..." (a first word with capitals of its
    own, "pH" or "iPad", is left as written)."""
    word = text.split(" ", 1)[0]
    return text[:1].upper() + text[1:] if word.isalpha() and word.islower() else text


def _join(a: str, b: str) -> str:
    return f"{a} {b}".strip()
