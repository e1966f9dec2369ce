"""The HTML sanitiser every published document body passes through.

The rules (HT001, LK001) give early, friendly messages about unsafe HTML and
URLs; this module is the guarantee. Every document page's body HTML is
cleaned by nh3 (a binding to the Ammonia sanitiser, built on the html5ever
parser that browsers' parsing rules are written down in) with the project's
allowlist, after rendering and before anything is written. Whatever a parser
difference, an escape trick or a rule's blind spot lets through, a browser
never sees a tag, attribute or URL outside the allowlist.

A page that would *lose* content to the sanitiser is not published quietly
without it: :func:`sanitize` returns what was removed, and the build fails
naming the document. Comments are dropped silently (they are invisible).
"""

from __future__ import annotations

import html as htmllib
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

#: Tags that Markdown itself produces for a document body.
MARKDOWN_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "img", "code", "pre",
    "em", "strong", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
    "input", "div", "span",
})
#: Never allowed, whatever ``html.allowed_tags`` says (HT001 explains why).
NEVER = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed",
                   "applet", "form", "button", "textarea", "select", "option", "meta",
                   "link", "base", "svg", "math", "template", "portal", "noscript",
                   "audio", "video", "source", "track", "picture", "canvas", "dialog"})

_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "ol": {"start"},
    "input": {"type", "checked", "disabled"},
    "details": {"open"},
    "abbr": set(),
}
_SCHEMES = {"http", "https", "mailto", "tel"}
#: For the comparison only: every tag and scheme a page could hold, so that
#: what the allowlist removes is seen (an unknown tag is reported by HT001).
_ALL_TAGS = set(nh3.ALLOWED_TAGS) | MARKDOWN_TAGS | NEVER | {
    "input", "font", "center", "marquee", "blink", "big", "nobr", "image", "xmp", "plaintext",
    "listing", "noembed", "noframes", "param", "area", "map", "label", "fieldset", "legend",
    "output", "progress", "meter", "datalist", "keygen", "menu", "menuitem", "slot", "optgroup",
    "basefont", "title", "body", "head", "html"}
_ALL_SCHEMES = {"http", "https", "mailto", "tel", "javascript", "vbscript", "livescript",
                "data", "file", "about", "blob", "ftp", "ws", "wss", "filesystem", "jar"}
#: Class names the site's own chrome uses: a document that wrote them could
#: dress body text up as a status badge or an overlay.
_RESERVED_CLASS = re.compile(r"^(?:md-|skb-|__|task-list|admonition|contains-task)")
#: Classes the renderer itself writes into a body.
_RENDERER_CLASSES = frozenset({"skb-critical", "task-list-item", "task-list-item-checkbox",
                               "contains-task-list", "admonition", "admonition-title",
                               "note", "tip", "warning", "danger", "info", "important",
                               "caution", "attention", "hint", "error", "abstract", "example",
                               "question", "quote", "success", "failure", "bug", "todo"})
_TEXT_ALIGN = re.compile(r"^\s*text-align\s*:\s*(left|right|center)\s*;?\s*$", re.I)
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.I)
_SPACE = re.compile(r"\s+")
#: What browsers remove from a URL before reading it (WHATWG URL parser).
_URL_IGNORED = re.compile(r"[\t\n\r]")


def external_source(value: str) -> bool:
    """Whether an image source leads off the site (a scheme, ``//``), read
    as a browser reads it (tabs and line breaks dropped: ``/\t/host`` is
    ``//host``): the sanitiser drops such a ``src`` (HT001 reports it first)."""
    return _EXTERNAL.match(_URL_IGNORED.sub("", value)) is not None


def _filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "class":
        kept = [c for c in value.split()
                if c in _RENDERER_CLASSES or not _RESERVED_CLASS.match(c)
                or (c.startswith("language-") and tag == "code")]
        return " ".join(kept) if kept else None
    if attr == "style":
        # Only table-cell alignment, which Markdown tables produce.
        return value if _TEXT_ALIGN.match(value) else None
    if tag == "img" and attr == "src" and external_source(value):
        # The site needs no internet; a remote image is also a tracking pixel.
        return None
    if tag == "input" and attr == "type":
        return value if value == "checkbox" else None
    return value


@dataclass(frozen=True)
class Sanitised:
    """The clean HTML and what the sanitiser removed (empty when nothing)."""

    html: str
    removed: tuple[str, ...]


def allowed_tags(extra: frozenset[str]) -> set[str]:
    return set((MARKDOWN_TAGS | extra) - NEVER)


def sanitize(body_html: str, extra_tags: frozenset[str] = frozenset()) -> Sanitised:
    """Clean ``body_html`` with the allowlist (Markdown's own tags plus
    ``extra_tags`` from ``html.allowed_tags``) and say what was lost."""
    tags = allowed_tags(extra_tags)
    attributes = {tag: set(attrs) for tag, attrs in _ATTRIBUTES.items() if tag in tags or
                  tag == "*"}
    clean = nh3.clean(body_html, tags=tags, attributes=attributes, url_schemes=_SCHEMES,
                      attribute_filter=_filter, link_rel=None, strip_comments=True,
                      clean_content_tags={"script", "style", "noscript", "template"})
    # The same parser with (almost) nothing removed: what the page would be
    # without the allowlist, serialised the same way, so that the comparison
    # reads two well-formed documents (Python's html.parser is quadratic on
    # hostile markup such as thousands of unclosed quotes).
    everything = nh3.clean(body_html, tags=_ALL_TAGS, clean_content_tags=set(), attributes={},
                           generic_attribute_prefixes={""}, url_schemes=_ALL_SCHEMES,
                           link_rel=None, strip_comments=True)
    # Both are serialised by the same parser: equal text, nothing was lost.
    return Sanitised(clean, () if clean == everything else tuple(_lost(everything, clean)))


class _Events(HTMLParser):
    """Start tags with their attributes, and visible text, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []
        self._text: list[str] = []

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self._text)).strip()
        if text:
            self.events.append(("text", text))
        self._text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        shown = tuple(sorted(f"{k}={v or ''}" for k, v in attrs if k != "rel"))
        self.events.append(("tag", tag, *shown))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._flush()

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _events(text: str) -> list[tuple[str, ...]]:
    parser = _Events()
    parser.feed(text)
    parser.close()
    return parser.events


def _show(event: tuple[str, ...]) -> str:
    if event[0] == "text":
        return f"text {event[1][:60]!r}"
    attrs = " ".join(event[2:])
    return f"<{event[1]}{' ' + attrs if attrs else ''}>"[:100]


def _lost(before: str, after: str) -> list[str]:
    """What ``after`` lacks of ``before``, as short descriptions (at most 5)."""
    old, new = _events(before), _events(after)
    if old == new:
        return []
    # What the clean page lacks, counted (linear: a diff of the two sequences
    # is quadratic on a hostile 1 MB page); tags the parser only adds (an
    # implied <tbody>) lose nothing. Text can be split differently around a
    # removed tag, so text is compared as one string of words.
    missing = Counter(e for e in old if e[0] == "tag") - Counter(e for e in new if e[0] == "tag")
    out = []
    for event in old:
        if missing.get(event, 0) > 0:
            missing[event] -= 1
            out.append(f"removed {_show(event)}")
            if len(out) >= 5:
                return out
    old_words = " ".join(e[1] for e in old if e[0] == "text").split()
    new_words = Counter(" ".join(e[1] for e in new if e[0] == "text").split())
    lost = Counter(old_words) - new_words
    for word in old_words:
        if lost.get(word, 0) > 0 and len(out) < 5:
            lost[word] -= 1
            out.append(f"removed text {word[:60]!r}")
    return out


def escape(value: object) -> str:
    """Text for HTML, attribute values included."""
    return htmllib.escape(str(value), quote=True)
