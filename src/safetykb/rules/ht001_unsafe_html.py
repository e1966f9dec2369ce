"""Raw HTML is limited to an allowlist of harmless tags.

Reason: pages are opened on every shop-floor PC of the plant. A ``<script>``,
an ``<iframe>``, an event handler (``onclick=``) or a ``javascript:`` URL in a
contributed document would run in every reader's browser. Tags allowed are in
``html: allowed_tags`` of ``safetykb.yml``; script, style, iframe, frame,
object, embed, applet, form controls, meta, link and base are refused whatever
the list says, and so are event-handler attributes, script URLs and
``file:`` URLs (a file on the reader's own PC). ``style`` attributes are
refused too (text can be hidden or made to cover other text), and so are
images from another site, in HTML (``<img src="https://...">``,
``src="//..."``) or in Markdown (``![plan](https://...)``): the site must work
without the internet, and an outside image is a tracking pixel that tells its
owner who read which procedure when (the site's sanitiser drops them; this
rule says so before the build does, with the line). HTML comments are
allowed. Code blocks are shown literally and not checked.

Tags are found by a scanner that reads each character a fixed number of times,
so that no document (``<`` followed by a page of spaces, a thousand unclosed
``<!--``) can make the check slow.

Failing example::

    <iframe src="http://example.com/form"></iframe>
    <span onclick="steal()">Click</span>
    <img src="https://tracker.example/pixel.gif">
    ![Escape routes](https://intranet.example/plan.png)

Passing example::

    Press <kbd>Stop</kbd>, then wait for the <abbr title="emergency stop">E-stop</abbr> lamp.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator

from ..model import Document
from ..sanitize import external_source
from ._text import quoted
from .base import Context, Finding
from .lk001_unsafe_url import UNSAFE_SCHEME

ID = "HT001"
NAME = "unsafe-html"
DESCRIPTION = ("Raw HTML uses a tag outside the allowlist, an event handler or a script URL, "
               "or an image comes from another site.")
LEVEL = "error"
SCOPE = "document"

NEVER = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed",
                   "applet", "form", "input", "button", "textarea", "select", "option",
                   "meta", "link", "base", "svg", "math", "template", "portal", "noscript"})
_HANDLER = re.compile(r"(?:^|[\s\"'/])(on[a-z]+)\s*=", re.I)
_SCRIPT_URL = re.compile(r"(?:href|src|action|formaction|xlink:href|srcset|data)=[\"']?"
                         r"((?:javascript|vbscript|livescript|data|file):[^\"'>]*)", re.I)
_HIDDEN = re.compile(r"[\x00-\x20]+")
# One attribute: name, then optionally = and a quoted or bare value. Quotes in
# the attributes tags() returns are always closed, so this stays linear.
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")
_REMOTE = re.compile(r"(?:https?:)?//", re.I)
_NAME_CHARS = frozenset("_:-")


def _strip_comments(text: str) -> str:
    """``text`` with every closed ``<!-- ... -->`` blanked (newlines kept).

    Linear: once no ``-->`` follows a position, none follows any later one."""
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            break
        end = text.find("-->", start + 4)
        if end < 0:
            break
        out.append(text[pos:start])
        out.append("\n" * text.count("\n", start, end + 3))
        pos = end + 3
    out.append(text[pos:])
    return "".join(out)


def attributes(attrs: str) -> dict[str, str]:
    """Attribute names (lower case) and values of one tag, first one wins."""
    out: dict[str, str] = {}
    for match in _ATTR.finditer(attrs):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        out.setdefault(match.group(1).lower(), value)
    return out


def tags(text: str) -> Iterator[tuple[int, bool, str, str]]:
    """(start, closing, name, attributes) of each tag in ``text``.

    What the former pattern ``<\\s*/?\\s*NAME(attributes)>?`` matched, where
    attributes run to the first ``>`` outside quotes (or to an unclosed quote),
    found with one scan: every character is looked at a bounded number of times.
    """
    n = len(text)
    missing: dict[str, int] = {}  # quote -> position after which it never occurs
    i = 0
    while True:
        i = text.find("<", i)
        if i < 0:
            return
        j = i + 1
        while j < n and text[j].isspace():
            j += 1
        closing = j < n and text[j] == "/"
        if closing:
            j += 1
            while j < n and text[j].isspace():
                j += 1
        if j >= n or not (text[j].isascii() and text[j].isalpha()):
            # Not a tag; the spaces skipped hold no '<': go on from the first other.
            i = max(i + 1, j)
            continue
        k = j + 1
        while k < n and (text[k].isalnum() or text[k] == "_" or text[k] in _NAME_CHARS):
            k += 1
        a = k
        while a < n:
            char = text[a]
            if char == ">":
                break
            if char in "\"'":
                if missing.get(char, n + 1) <= a:
                    break
                close = text.find(char, a + 1)
                if close < 0:
                    missing[char] = a
                    break
                a = close + 1
                continue
            a += 1
        yield i, closing, text[j:k], text[k:a]
        i = a + 1 if a < n and text[a] == ">" else max(a, i + 1)


def problems(fragment: str, allowed: frozenset[str]) -> Iterator[tuple[int, str]]:
    """(line offset within the fragment, message) for each unsafe piece."""
    text = _strip_comments(fragment)
    line_starts = [i for i, c in enumerate(text) if c == "\n"]
    for start, closing, tag_name, attrs in tags(text):
        if closing:
            continue
        name = tag_name.lower()
        offset = bisect.bisect_left(line_starts, start)
        if name in NEVER or name not in allowed:
            why = "never allowed" if name in NEVER else "not in html.allowed_tags"
            yield offset, f"HTML tag <{name}> is {why}; write the content in Markdown"
            continue
        handler = _HANDLER.search(attrs)
        if handler:
            yield offset, (f"event-handler attribute {handler.group(1)!r} on <{name}> is not "
                           "allowed: documents carry no scripts")
        values = attributes(attrs)
        if "style" in values:
            yield offset, (f"attribute 'style' on <{name}> is not allowed: styles can hide "
                           "text or lay it over other text; write plain Markdown")
        if name == "img":
            value = values.get("src", "")
            plain = _HIDDEN.sub("", html.unescape(value))
            if _REMOTE.match(plain) or (external_source(plain) and not UNSAFE_SCHEME.match(plain)):
                yield offset, (f"<img> source {quoted(value)} is on another site: not allowed, "
                               "the site must work without the internet and an outside "
                               "image tracks who reads the page; put the picture in the "
                               "knowledge base and use a relative path")
        # Browsers decode entities and drop control characters in URLs: so must we.
        url = _SCRIPT_URL.search(_HIDDEN.sub("", html.unescape(attrs)))
        if url:
            yield offset, (f"URL {quoted(url.group(1), 50)} in <{name}> is not allowed: no script "
                           "URL (javascript:, vbscript:, data:) and no local-file URL "
                           "(file:); link to a page or a file in the knowledge base")


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    allowed = ctx.config.allowed_html_tags
    for fragment in doc.html:
        for offset, message in problems(fragment.html, allowed):
            yield Finding(fragment.line + offset, message)
    for link in doc.links:
        # Script and local-file URLs are LK001's.
        if link.image and external_source(link.target) \
                and not UNSAFE_SCHEME.match(link.target.strip()):
            yield Finding(link.line, f"image {quoted(link.target)} is on another site: the "
                                     "published page would drop it (the site must work "
                                     "without the internet, and an outside image tracks who "
                                     "reads the page); put the picture in the knowledge base "
                                     "and use a relative path")
