"""Tag pages: the documents in force by area, workstation and hazard.

Three facets, each read from what documents already say:

- **area**: the folder a document is filed under (``procedures/press/x.md``
  and ``checklists/press/y.md`` are both in area *press*), shown as MkDocs
  titles the folder in the navigation ("hidden-danger" -> "Hidden danger");
- **workstation**: the ``workstation`` a checklist is posted at;
- **hazard**: each entry of the optional ``hazards`` list.

Each value gets a page listing the listed documents that carry it (id,
title, kind, revision, status; see :func:`safetykb.current.is_listed`:
superseded, withdrawn and, on the published site, draft documents are never
listed), and each facet an index page of its values. Values that differ only
in case, spacing, ``-`` or ``_`` ("Moving ram", "moving-ram") are one tag.

A tag's page lives at ``reference/<facet>s/<slug>/``. The slug depends only
on the value, never on the other values, so a page keeps its address when
documents come and go: a value that is already a plain lower-case ASCII slug
("press", "hidden-danger") is its own slug; anything else (Chinese, capitals,
punctuation, ``../``, ``<script>``, very long phrases) gets the ASCII letters
it has plus a hash of the value ("moving-ram-5d41402a", "9f86d081"). Two
values whose slugs still meet get a longer hash. Every value is HTML-escaped
where it is shown. The pages are written as HTML directly, in one pass over
the documents.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .listing import TAG_COLUMNS, document_table, page_link
from .model import Document, area_title
from .sanitize import escape as esc

FACETS = ("area", "workstation", "hazard")
#: Folder of each facet's pages, under ``reference/``.
FACET_DIRS = {"area": "areas", "workstation": "workstations", "hazard": "hazards"}
TAGS_ROOT = "reference"
#: Slugs that would turn a tag page into the folder's index page.
RESERVED = frozenset({"index", "readme"})
MAX_PLAIN = 60

WORDS = {
    "en": {
        "area": "Area", "workstation": "Workstation", "hazard": "Hazard",
        "area_all": "Areas", "workstation_all": "Workstations", "hazard_all": "Hazards",
        "area_intro": "Documents in force filed under this area.",
        "workstation_intro": "Checklists in force posted at this workstation.",
        "hazard_intro": "Documents in force that name this hazard.",
        "area_index": "Documents in force by area: the folder they are filed under.",
        "workstation_index": "Checklists in force by the workstation they are posted at.",
        "hazard_index": "Documents in force by the hazards they name.",
        "back": "All {facets}", "none": "No document in force names one yet.",
        "count": "{n} documents", "count_1": "1 document",
    },
    "zh": {
        "area": "区域", "workstation": "张贴位置", "hazard": "危险",
        "area_all": "区域", "workstation_all": "张贴位置", "hazard_all": "危险",
        "area_intro": "归入本区域的现行文件。",
        "workstation_intro": "张贴在本位置的现行检查表。",
        "hazard_intro": "列出本危险的现行文件。",
        "area_index": "按区域（文件所在的文件夹）列出的现行文件。",
        "workstation_index": "按张贴位置列出的现行检查表。",
        "hazard_index": "按所列危险列出的现行文件。",
        "back": "全部{facets}", "none": "暂无现行文件。",
        "count": "{n} 份文件", "count_1": "1 份文件",
    },
}

_SEPARATORS = re.compile(r"[\s_\-]+")
_PLAIN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_ASCII_SLUG = re.compile(r"[^a-z0-9]+")


def tag_key(value: str) -> str:
    """The identity of a tag value: NFKC, case-folded, runs of spaces, ``-``
    and ``_`` as one ``-``."""
    text = unicodedata.normalize("NFKC", value).casefold()
    return _SEPARATORS.sub("-", text).strip("-")


def _digest(key: str, length: int) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:length]


def tag_slug(key: str, length: int = 8) -> str:
    """The URL slug of a tag (see the module docstring): ASCII ``[a-z0-9-]``,
    never empty, never ``index``."""
    if _PLAIN.fullmatch(key) and len(key) <= MAX_PLAIN and key not in RESERVED:
        return key
    ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    readable = _NOT_ASCII_SLUG.sub("-", ascii_text.lower()).strip("-")[:40].strip("-")
    return f"{readable}-{_digest(key, length)}" if readable else _digest(key, length)


def doc_values(doc: Document, facet: str) -> list[str]:
    """The values ``doc`` gives for ``facet`` (as written, stripped)."""
    if facet == "area":
        return [doc.area] if doc.area else []
    raw = doc.meta.get("workstation" if facet == "workstation" else "hazards")
    values = raw if isinstance(raw, list) else [raw]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


@dataclass
class Tag:
    """One value of a facet: its page, the listed documents that carry it
    and the spellings they use (the label is the most used one)."""

    facet: str
    key: str
    slug: str = ""
    docs: list[Document] = field(default_factory=list)
    spellings: Counter[str] = field(default_factory=Counter)
    #: The name shown, when it is not the label (an area's name).
    name: str | None = None

    @property
    def label(self) -> str:
        """The spelling most documents use; on a tie the first in code-point
        order (capitals first: "Moving ram" before "moving-ram")."""
        return min(self.spellings, key=lambda s: (-self.spellings[s], s))

    @property
    def uri(self) -> str:
        return f"{TAGS_ROOT}/{FACET_DIRS[self.facet]}/{self.slug}.md"

    @property
    def shown(self) -> str:
        return self.name if self.name is not None else self.label


def facet_uri(facet: str) -> str:
    """The index page of ``facet``: ``reference/hazards.md``."""
    return f"{TAGS_ROOT}/{FACET_DIRS[facet]}.md"


class TagIndex:
    """Every tag of the listed documents, by facet and key."""

    def __init__(self, documents: Iterable[Document], listed: Callable[[Document], bool],
                 area_names: Mapping[str, str] | None = None):
        self.tags: dict[str, dict[str, Tag]] = {f: {} for f in FACETS}
        self.area_names = dict(area_names or {})
        for doc in sorted((d for d in documents if d.fm_ok and d.id and listed(d)),
                          key=lambda d: d.id or ""):
            for facet in FACETS:
                seen: set[str] = set()
                for value in doc_values(doc, facet):
                    key = tag_key(value)
                    if not key or key in seen:
                        continue
                    seen.add(key)
                    tag = self.tags[facet].get(key)
                    if tag is None:
                        tag = self.tags[facet][key] = Tag(facet, key)
                    tag.docs.append(doc)
                    tag.spellings[" ".join(value.split())] += 1
        for tag in self.tags["area"].values():
            tag.name = self.area_name(tag.label)
        for tags in self.tags.values():
            _assign_slugs(list(tags.values()))

    def area_name(self, area: str) -> str:
        """The name of an area folder, as the navigation and tag pages show it
        (also for an area no listed document is filed under)."""
        return self.area_names.get(area) or area_title(area)

    def page(self, facet: str, value: str) -> tuple[str, str] | None:
        """The page URI of ``value``'s tag and the tag as its pages show it;
        None when no listed document has it."""
        tag = self.tags.get(facet, {}).get(tag_key(value))
        return (tag.uri, tag.shown) if tag is not None else None

    @property
    def index_uris(self) -> frozenset[str]:
        return frozenset(facet_uri(f) for f in FACETS)

    def indexes(self, lang: str) -> list[tuple[str, str, str]]:
        """(facet, index page URI, the facet's name) of each facet."""
        words = WORDS.get(lang, WORDS["en"])
        return [(f, facet_uri(f), words[f]) for f in FACETS]

    def pages(self, lang: str) -> list[tuple[str, str, Callable[[], str]]]:
        """(uri, title, HTML body) of every tag page and facet index, the
        body made when asked."""
        words = WORDS.get(lang, WORDS["en"])
        out: list[tuple[str, str, Callable[[], str]]] = []
        for facet in FACETS:
            tags = sorted(self.tags[facet].values(), key=lambda t: (t.shown.casefold(), t.key))
            out.append((facet_uri(facet), words[f"{facet}_all"],
                        functools.partial(_index_html, facet, tags, words)))
            for tag in tags:
                colon = "：" if lang == "zh" else ": "
                title = f"{words[facet]}{colon}{tag.shown}"
                out.append((tag.uri, title, functools.partial(_tag_html, tag, title, words, lang)))
        return out


def _assign_slugs(tags: list[Tag]) -> None:
    """Slugs of one facet; a slug two keys share (hash prefixes that meet)
    is lengthened for the hashed ones until every slug is unique."""
    for tag in tags:
        tag.slug = tag_slug(tag.key)
    length = 8
    while length <= 64:
        owners: dict[str, list[Tag]] = {}
        for tag in tags:
            owners.setdefault(tag.slug, []).append(tag)
        clashes = [t for group in owners.values() if len(group) > 1 for t in group
                   if t.slug != t.key]
        if not clashes:
            return
        length += 8
        for tag in clashes:
            tag.slug = tag_slug(tag.key, length)


def _tag_html(tag: Tag, title: str, words: dict[str, str], lang: str) -> str:
    back = words["back"].format(facets=words[f"{tag.facet}_all"].lower()
                                if lang != "zh" else words[f"{tag.facet}_all"])
    return (f"<h1>{esc(title)}</h1>\n"
            f'<p>{esc(words[f"{tag.facet}_intro"])} '
            f'<a href="{page_link(tag.uri, facet_uri(tag.facet))}">{esc(back)}</a></p>\n'
            + document_table(tag.uri, tag.docs, TAG_COLUMNS, lang, caption=title))


def _index_html(facet: str, tags: list[Tag], words: dict[str, str]) -> str:
    here = facet_uri(facet)
    out = [f"<h1>{esc(words[f'{facet}_all'])}</h1>", f"<p>{esc(words[f'{facet}_index'])}</p>"]
    if not tags:
        out.append(f"<p>{esc(words['none'])}</p>")
        return "\n".join(out) + "\n"
    out.append('<ul class="skb-tag-index">')
    for tag in tags:
        n = len(tag.docs)
        count = words["count_1"] if n == 1 else words["count"].format(n=n)
        out.append(f'<li><a href="{page_link(here, tag.uri)}">{esc(tag.shown)}</a> '
                   f'<span class="skb-tag-count">{esc(count)}</span></li>')
    out.append("</ul>")
    return "\n".join(out) + "\n"
