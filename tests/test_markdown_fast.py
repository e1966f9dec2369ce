"""The loader's block parse leaves out the block rules whose syntax is absent
from a text (:func:`safetykb.markdown.block_parser_for`). That must never
change a token: these tests compare its tokens with the full block parser's
on every fixture document and on random Markdown made of the constructs the
left-out rules read, in every nesting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO
from safetykb.markdown import block_parser_for, parser

FULL = parser(inline=False)


def tokens(md: Any, text: str) -> list[tuple[object, ...]]:
    env: dict[str, Any] = {}
    out = [(t.type, t.tag, t.nesting, t.level, tuple(t.map or ()), t.content, t.markup, t.info,
            tuple(sorted(t.attrs.items())), t.block, t.hidden, repr(t.meta))
           for t in md.parse(text, env)]
    return [*out, ("env", repr(sorted(env.get("references", {}).items())))]


def same(text: str) -> None:
    assert tokens(block_parser_for(text), text) == tokens(FULL, text), text


DOCUMENTS = sorted({*FIXTURES.rglob("*.md"), *(REPO / "procedures").rglob("*.md"),
                    *(REPO / "checklists").rglob("*.md")})


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO)))
def test_fixture_documents_parse_the_same(path: Path) -> None:
    same(path.read_text("utf-8", "replace"))


def test_rules_are_left_out_where_they_cannot_match() -> None:
    # The fast path must actually leave rules out on an ordinary document.
    text = "## Purpose\n\nIsolate the press.\n\n1. Lock the valve.\n2. Verify.\n"
    left_out = {rule.name for rule in block_parser_for(text).block.ruler.__rules__
                if not rule.enabled}
    assert {"table", "fence", "blockquote", "hr", "html_block", "lheading"} <= left_out
    assert "heading" not in left_out and "list" not in left_out


PREFIXES = ["", " ", "  ", "   ", "    ", "\t", "> ", ">", "- ", "* ", "+ ", "1. ", "2) ",
            "-   ", "1.     ", "- > ", "> - ", "  - ", "    - "]
BODIES = ["text", "more words", "---", "***", "* * *", "- - -", "___", "===", "=", "-", "--",
          "# heading", "## h", "#no", "```", "```python", "~~~", "<div>", "<!-- c -->",
          "<script>", "| a | b |", "|---|---|", "a | b", "[ref]: /url", "[ref]", "!!! note",
          "!!! danger \"Title\"", "???+ tip", "[x] done", "[ ] todo", "", "code  here",
          "\\---", "`code`", ":---:|", "<p>", "1.", "-", "*"]
LINES = st.tuples(st.sampled_from(PREFIXES), st.sampled_from(BODIES)).map("".join)
TEXTS = st.lists(LINES, max_size=14).map("\n".join)


@settings(max_examples=1500, deadline=None)
@given(TEXTS)
def test_random_markdown_parses_the_same(text: str) -> None:
    same(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab -*_=#>|`~<!?[]:\n\t1.)+")), max_size=80))
def test_random_characters_parse_the_same(text: str) -> None:
    same(text)
