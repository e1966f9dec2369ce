"""Raw HTML is limited to an allowlist of harmless tags.

Reason: pages are opened on every shop-floor PC of the plant. A ``<script>``,
an ``<iframe>``, an event handler (``onclick=``) or a ``javascript:`` URL in a
contributed document would run in every reader's browser. Tags allowed are in
``html: allowed_tags`` of ``safetykb.yml``; script, style, iframe, frame,
object, embed, applet, form controls, meta, link and base are refused whatever
the list says, and so are event-handler attributes, script URLs and
``file:`` URLs (a file on the reader's own PC). HTML
comments are allowed. Code blocks are shown literally and not checked.

Failing example::

    <iframe src="http://example.com/form"></iframe>
    <span onclick="steal()">Click</span>

Passing example::

    Press <kbd>Stop</kbd>, then wait for the <abbr title="emergency stop">E-stop</abbr> lamp.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from ..model import Document
from .base import Context, Finding

ID = "HT001"
NAME = "unsafe-html"
DESCRIPTION = "Raw HTML uses a tag outside the allowlist, an event handler or a script URL."
LEVEL = "error"
SCOPE = "document"

NEVER = frozenset({"script", "style", "iframe", "frame", "frameset", "object", "embed",
                   "applet", "form", "input", "button", "textarea", "select", "option",
                   "meta", "link", "base", "svg", "math", "template", "portal", "noscript"})
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>?", re.S)
_HANDLER = re.compile(r"(?:^|[\s\"'/])(on[a-z]+)\s*=", re.I)
_SCRIPT_URL = re.compile(r"(?:href|src|action|formaction|xlink:href|srcset|data)=[\"']?"
                         r"((?:javascript|vbscript|livescript|data|file):[^\"'>]*)", re.I)
_HIDDEN = re.compile(r"[\x00-\x20]+")


def problems(fragment: str, allowed: frozenset[str]) -> Iterator[tuple[int, str]]:
    """(line offset within the fragment, message) for each unsafe piece."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), fragment)
    for match in _TAG.finditer(text):
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        offset = text.count("\n", 0, match.start())
        if closing:
            continue
        if name in NEVER or name not in allowed:
            why = "never allowed" if name in NEVER else "not in html.allowed_tags"
            yield offset, f"HTML tag <{name}> is {why}; write the content in Markdown"
            continue
        handler = _HANDLER.search(attrs)
        if handler:
            yield offset, (f"event-handler attribute {handler.group(1)!r} on <{name}> is not "
                           "allowed: documents carry no scripts")
        # Browsers decode entities and drop control characters in URLs: so must we.
        url = _SCRIPT_URL.search(_HIDDEN.sub("", html.unescape(attrs)))
        if url:
            yield offset, (f"URL {url.group(1)[:50]!r} in <{name}> is not allowed: no script "
                           "URL (javascript:, vbscript:, data:) and no local-file URL "
                           "(file:); link to a page or a file in the knowledge base")


def check(doc: Document, ctx: Context) -> Iterator[Finding]:
    allowed = ctx.config.allowed_html_tags
    for fragment in doc.html:
        for offset, message in problems(fragment.html, allowed):
            yield Finding(fragment.line + offset, message)
