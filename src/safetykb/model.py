"""The data the rest of the package passes around.

Files are read once by :mod:`safetykb.loader` into :class:`Document` objects;
rules read documents and yield :class:`Problem` objects; outputs (site pages,
register, PDFs) read documents. Nothing downstream re-reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, at one place.

    Sorts by path, then line, column and rule id, which is the order in which
    ``safetykb check`` prints them.
    """

    path: str
    line: int
    column: int
    rule: str
    level: str
    message: str

    def format_text(self) -> str:
        """``path:line:col: level RULE-ID message``, the contract's one-line form."""
        return f"{self.path}:{self.line}:{self.column}: {self.level} {self.rule} {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass
class Item:
    """One checklist item: ``- [ ] text``; ``(!)`` after the box marks it critical."""

    text: str
    line: int
    critical: bool = False
    depth: int = 0


@dataclass
class ListBlock:
    """A Markdown list in a section (ordered or bullet), with its item lines."""

    ordered: bool
    line: int
    items: list[ListEntry] = field(default_factory=list)


@dataclass
class ListEntry:
    """One list item: its own paragraph text and its nested bullet texts;
    ``number`` is the number written in front of an ordered list item
    (``7.`` or ``7)``), None in a bullet list."""

    text: str
    line: int
    children: list[tuple[str, int]] = field(default_factory=list)
    number: int | None = None


@dataclass
class Section:
    """A ``##`` heading and what stands below it until the next ``##``.

    In a checklist each section is one pause point.
    """

    title: str
    line: int
    end_line: int
    items: list[Item] = field(default_factory=list)
    lists: list[ListBlock] = field(default_factory=list)
    paragraphs: list[tuple[str, int]] = field(default_factory=list)
    subheadings: list[tuple[int, str, int]] = field(default_factory=list)

    @property
    def text_lines(self) -> list[tuple[str, int]]:
        """Every piece of prose in the section with its line: paragraphs, list
        entries and their children, checklist items."""
        out = list(self.paragraphs)
        for block in self.lists:
            for entry in block.items:
                out.append((entry.text, entry.line))
                out.extend(entry.children)
        return out


@dataclass
class HtmlFragment:
    """Raw HTML found in the body (block or inline), for the unsafe-content rules."""

    html: str
    line: int


@dataclass
class Link:
    """A link or image target in the body."""

    target: str
    line: int
    image: bool = False


@dataclass
class Document:
    """One controlled document (or a file that tried to be one).

    ``meta`` is the front matter as loaded; ``meta_lines`` maps each top-level
    key to the line it stands on in the file. ``fm_ok`` is false when the front
    matter could not be read at all (the front-matter rules then already
    reported why, and field rules stay quiet).
    """

    path: Path
    relpath: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)
    fm_ok: bool = False
    fm_start: int = 1
    fm_end: int = 1
    body: str = ""
    body_line: int = 1
    h1: list[tuple[str, int]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    preamble_items: list[Item] = field(default_factory=list)
    #: Lists before the first ``##`` heading (their tick-box lines are also in
    #: ``preamble_items``), so that a printed sheet shows their lead-ins and notes.
    preamble_lists: list[ListBlock] = field(default_factory=list)
    html: list[HtmlFragment] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    #: Lines inside fenced or indented code blocks (shown literally, never as HTML).
    code_lines: set[int] = field(default_factory=set)
    headings: list[tuple[int, str, int]] = field(default_factory=list)
    #: Problems of the document-scope rules, with the (day, configuration)
    #: they were found for; computed where the document was loaded.
    local_problems: list[Problem] | None = None
    local_key: tuple[object, ...] | None = None
    load_problems: list[Problem] = field(default_factory=list)
    duplicate_keys: list[tuple[str, int]] = field(default_factory=list)
    #: The body's block tokens from the loader's parse, kept while the
    #: document-scope rules run (they need not parse again), then dropped.
    block_tokens: list[Any] | None = field(default=None, repr=False, compare=False)
    #: The content folder the document was found under (``procedures``,
    #: ``kb/checklists``, ``.``), relative to the root; None when unknown.
    content_dir: str | None = None
    #: Set by :func:`safetykb.effective.apply_effective_dates`, after the
    #: checks: on an approved revision whose ``effective`` date is later than
    #: the day of the build, that date (ISO) and the revision in force until
    #: then (None when git has none); on that revision in force, the approved
    #: one that replaces it on that date.
    takes_effect: str | None = field(default=None, repr=False, compare=False)
    in_force: Document | None = field(default=None, repr=False, compare=False)
    next_revision: Document | None = field(default=None, repr=False, compare=False)

    def tokens(self) -> list[Any]:
        """The body's block tokens (markdown-it), parsed once."""
        if self.block_tokens is None:
            from .loader import _MD

            return list(_MD.parse(self.body))
        return self.block_tokens

    # --- convenience accessors used by many rules and outputs -------------
    @property
    def id(self) -> str | None:
        value = self.meta.get("id")
        return value if isinstance(value, str) else None

    @property
    def type(self) -> str | None:
        value = self.meta.get("type")
        return value if isinstance(value, str) else None

    @property
    def status(self) -> str | None:
        value = self.meta.get("status")
        return value if isinstance(value, str) else None

    @property
    def title(self) -> str:
        value = self.meta.get("title")
        return str(value) if value is not None else self.path.stem

    @property
    def lang(self) -> str | None:
        value = self.meta.get("lang")
        return value if isinstance(value, str) else None

    @property
    def area(self) -> str | None:
        """The area the document is filed under: the folder under its content
        folder (``procedures/press/x.md`` -> ``press``); None for a document
        directly in a content folder."""
        base = self.content_dir
        if base is None:  # not from the loader: the first folder is the content folder
            base = self.relpath.split("/", 1)[0] if "/" in self.relpath else "."
        if base in ("", "."):
            rest = self.relpath
        elif self.relpath.startswith(base + "/"):
            rest = self.relpath[len(base) + 1:]
        else:
            return None
        head, sep, _ = rest.partition("/")
        return head if sep else None

    def line_of(self, key: str) -> int:
        """The line of front-matter key ``key``, or of the opening ``---``."""
        return self.meta_lines.get(key, self.fm_start)

    def section(self, *titles: str) -> Section | None:
        """The first ``##`` section whose title is one of ``titles``."""
        wanted = {t.casefold() for t in titles}
        for sec in self.sections:
            if sec.title.casefold() in wanted:
                return sec
        return None

    @property
    def items(self) -> list[Item]:
        """Every checklist item in the document, in order."""
        out = list(self.preamble_items)
        for sec in self.sections:
            out.extend(sec.items)
        return out


def area_title(folder: str) -> str:
    """An area's folder name as MkDocs titles the folder in the navigation
    (its ``dirname_to_title``): ``hidden-danger`` -> ``Hidden danger``."""
    title = folder.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


@dataclass
class KnowledgeBase:
    """All documents of one knowledge base, with its configuration."""

    root: Path
    config: Any
    documents: list[Document] = field(default_factory=list)

    _by_path: tuple[int, int, dict[str, Document]] | None = field(
        default=None, repr=False, compare=False)

    def by_path(self) -> dict[str, Document]:
        """Documents by path relative to the root (kept until the list changes)."""
        key = (id(self.documents), len(self.documents))
        if self._by_path is None or self._by_path[:2] != key:
            self._by_path = (*key, {doc.relpath: doc for doc in self.documents})
        return self._by_path[2]

    def by_id(self) -> dict[str, Document]:
        """Documents by id; on a duplicate id the first one (in path order) wins."""
        out: dict[str, Document] = {}
        for doc in self.documents:
            if doc.id and doc.id not in out:
                out[doc.id] = doc
        return out
