"""Does the published page have the structure the rules checked?

The rules and the site read a document with the same parser, so they agree
by construction; this is the independent proof, run on every page the build
publishes. It reads the *published HTML* back and compares it with the
checked document: the same number of ``##`` sections, in each section the
same lists with the same number of entries (the steps of a procedure or an
action), and a place to answer each checklist item: its tick box, or its
Yes / No / N/A boxes on an inspection checklist. A mismatch fails the
build naming the document: an operator must never follow "step 19" of a
nine-step lockout.
"""

from __future__ import annotations

from html.parser import HTMLParser

from .model import Document


class _Shape(HTMLParser):
    """Per ``<h2>`` section: the entry counts of its outermost lists."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[list[int]] = []
        self.preamble: list[int] = []
        self.boxes = 0
        self.answers = 0  # Yes / No / N/A groups (render.answer_columns)
        self._lists: list[int] = []  # open lists: index into the current counts, per depth

    def _counts(self) -> list[int]:
        return self.sections[-1] if self.sections else self.preamble

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self.sections.append([])
        elif tag in ("ul", "ol"):
            if not self._lists:
                self._counts().append(0)
            self._lists.append(len(self._counts()) - 1)
        elif tag == "li" and len(self._lists) == 1:
            self._counts()[self._lists[0]] += 1
        elif tag == "input" and dict(attrs).get("type") == "checkbox":
            self.boxes += 1
        elif tag == "span" and dict(attrs).get("class") == "skb-answers":
            self.answers += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()


def mismatch(doc: Document, published_html: str) -> str | None:
    """Why the published body differs in structure from ``doc``, or None."""
    shape = _Shape()
    shape.feed(published_html)
    shape.close()
    if len(shape.sections) != len(doc.sections):
        return (f"the page has {len(shape.sections)} '##' sections, the checked document "
                f"{len(doc.sections)}")
    for section, counts in zip(doc.sections, shape.sections, strict=True):
        checked = [len(block.items) for block in section.lists]
        if checked != counts:
            return (f"section '{section.title}' (line {section.line}): the page shows lists "
                    f"of {counts} entries, the checked document {checked}")
    inspection = doc.type == "checklist" and doc.meta.get("mode") == "inspection"
    places, other = ((shape.answers, shape.boxes) if inspection else (shape.boxes, shape.answers))
    kind = "Yes / No / N/A answer groups" if inspection else "checklist tick boxes"
    if places != len(doc.items) or other:
        extra = f" (and {other} of the other kind)" if other else ""
        return (f"the page has {places} {kind}{extra}, the checked document "
                f"{len(doc.items)} items")
    return None
