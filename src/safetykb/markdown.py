"""The one Markdown reading of a document, shared by the rules and the site.

A safety document whose steps the site renumbers is worse than no document.
The rules read a document's body with markdown-it-py (CommonMark, the reading
of GitHub's preview) and the site page is rendered from *the same parser with
the same configuration*, so the sections, steps and checklist items a rule
counts are the ones a reader sees. Python-Markdown (what MkDocs renders
ordinary pages with) never sees a controlled document.

Extensions are those a controlled document needs and nothing that lets text
carry attributes (no ``attr_list``): tables, task-list checkboxes, heading
anchors and admonitions (``!!! danger``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

_NOT_SLUG = re.compile(r"[^\w\- ]+")
_SPACES = re.compile(r"[\s]+")


def slugify(text: str) -> str:
    """Heading text to an anchor id: lower case, words joined by ``-``, CJK kept
    (``Hazards and controls`` -> ``hazards-and-controls``, ``操作步骤`` kept)."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return _SPACES.sub("-", _NOT_SLUG.sub("", text)).strip("-") or "section"


def parser(inline: bool = True) -> MarkdownIt:
    """A new markdown-it parser with the project's syntax.

    ``inline=False`` parses block structure only (what the loader needs for
    most paragraphs; inline is parsed on demand). Block structure is the same
    either way: inline rules never change it.
    """
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.use(admon_plugin)
    if not inline:
        # Task lists and anchors rewrite inline tokens after the block parse:
        # without inline they have nothing to do and change no structure.
        return md.disable("inline")
    md.use(tasklists_plugin, enabled=False)
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=slugify)
    return md


# --- the block parse, without the rules a text gives no chance ---------------
#
# markdown-it tries every block rule at the start of every block (and the
# rules that may end a paragraph at every line of one). A rule returns False
# without touching the parse state when its syntax is not there, so a rule
# whose opening characters occur nowhere in the text can be left out and the
# tokens are the same: ``block_parser_for`` leaves out such rules. Each test
# below is a superset of where its rule can match (tests/test_markdown_fast.py
# compares the tokens with the full parser's on fixtures and random text).
# (Both start with a character class, which the regex engine skips to
# quickly; a test that starts with an alternation tries every position of
# the text: the underline test took a tenth of a document's parse that way.)
_HR_LIKE = re.compile(r"[*_-][ \t]*(?:[*_-][ \t]*){2}")
_UNDERLINE_LIKE = re.compile(r"[=-][ \t]*$", re.M)
_MAY_MATCH: dict[str, Callable[[str], bool]] = {
    "table": lambda t: "|" in t,
    "code": lambda t: "    " in t or "\t" in t,
    "admonition": lambda t: "!!!" in t or "???" in t,
    "fence": lambda t: "```" in t or "~~~" in t,
    "blockquote": lambda t: ">" in t,
    "hr": lambda t: _HR_LIKE.search(t) is not None,
    "reference": lambda t: "]:" in t,
    "html_block": lambda t: "<" in t,
    "heading": lambda t: "#" in t,
    "lheading": lambda t: _UNDERLINE_LIKE.search(t) is not None,
}
_BLOCK_PARSERS: dict[frozenset[str], MarkdownIt] = {}


def block_parser_for(text: str) -> MarkdownIt:
    """The block-only parser (``parser(inline=False)``) for ``text``, without
    the block rules that cannot match anywhere in it: the same tokens, less
    work (a third of the parse on typical documents)."""
    absent = frozenset(name for name, may in _MAY_MATCH.items() if not may(text))
    md = _BLOCK_PARSERS.get(absent)
    if md is None:
        md = parser(inline=False)
        if absent:
            md.block.ruler.disable(sorted(absent))
        if len(_BLOCK_PARSERS) < 256:
            _BLOCK_PARSERS[absent] = md
    return md


_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def escape_text(value: object) -> str:
    """``value`` as Markdown that renders as exactly that text, on one line:
    every ASCII punctuation character backslash-escaped (CommonMark allows it
    for all of them), so a title or owner can never become a link, emphasis,
    raw HTML or a table cell break."""
    return _PUNCT.sub(r"\\\1", " ".join(str(value).split()))
