"""The rules' fast paths never change what a rule finds.

Some rules skip a document with a cheap test before their full scan (PH001
looks for the longest word of each placeholder with substring tests before
running its pattern), or work a thing out once per run (LK002, the real path
of each folder). A fast path may only ever say "cannot match" when the full
scan would find nothing: these properties compare the two on random input
built from what matters.
"""

from __future__ import annotations

import functools
import os
import random
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from safetykb.rules.lk002_link_outside import _realpath
from safetykb.rules.ph001_placeholder import OPTIONS, may_hold, pattern

WORDS = tuple(OPTIONS["words"])
# Text near the placeholders: their letters in both cases, word characters
# that break whole-word matches, spacing and a few non-ASCII characters.
PIECES = st.sampled_from([*WORDS, *(w.lower() for w in WORDS), *(w.title() for w in WORDS),
                          "todo", "Todo", "TODOS", "xTODO", "TODO_", "write", "this",
                          "section", "lorem", "ipsum", "to be", "completed", " ", "  ", "\n",
                          "\t", ".", ":", "_", "9", "K", "\u212a", "\u017f", "ß", "中",
                          "İ", "x", "A"])
TEXTS = st.lists(PIECES, max_size=12).map("".join)
EXTRA_WORDS = st.lists(st.text(alphabet="abcKSs TODXY_中ſ", min_size=1, max_size=8),
                       max_size=3)


@settings(max_examples=600, deadline=None)
@given(text=TEXTS, extra=EXTRA_WORDS)
def test_placeholder_prefilter_never_hides_a_match(text: str, extra: list[str]) -> None:
    words = (*WORDS, *extra)
    if pattern(words).search(text):
        assert may_hold(text, words), (text, words)


def test_placeholder_prefilter_skips_clean_ascii_text() -> None:
    # The fast path must actually skip: a clean English body is never searched.
    assert not may_hold("Isolate the press, lock the valve and verify zero energy.\n" * 50,
                        WORDS)
    assert may_hold("Isolate the press. TODO: add the valve.", WORDS)
    assert may_hold("隔离压力机。", WORDS)  # non-ASCII text: always searched


def _tree(root: Path) -> None:
    (root / "kb" / "a" / "b").mkdir(parents=True)
    (root / "out").mkdir()
    (root / "kb" / "a" / "up").symlink_to("..", target_is_directory=True)
    (root / "kb" / "a" / "away").symlink_to(root / "out", target_is_directory=True)
    (root / "kb" / "a" / "b" / "x.md").write_text("x", "utf-8")
    (root / "kb" / "a" / "file-link.md").symlink_to(root / "out" / "y.md")
    (root / "kb" / "a" / "loop").symlink_to("loop")


def test_link_rule_real_path_is_realpath(tmp_path: Path) -> None:
    """LK002 works out each folder's real path once per run: the result must
    be ``os.path.realpath`` of the whole path, through links, loops and ``..``."""
    _tree(tmp_path)
    parts = ["a", "b", "..", ".", "up", "away", "x.md", "file-link.md", "loop", "missing"]
    memo: dict[str, str | None] = {}
    rng = random.Random(5)
    for _ in range(3000):
        rel = "/".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
        joined = os.path.join(str(tmp_path / "kb" / "a"), rel)
        assert _realpath(joined, memo) == os.path.realpath(joined), rel


# --- MD001: only a line off the 4-space grid can be misindented --------------

INDENTS = ["", " ", "  ", "   ", "    ", "     ", "      ", "        ", "\t", "  \t"]
STARTS = ["- ", "* ", "1. ", "2) ", "10. ", "- [ ] ", "> ", "> - ", "- - ", "", "", ""]
ENDS = ["step", "Key point: text", "```", "!!! note", "| a | b |", "<div>", "", "# h"]
MD_LINES = st.tuples(st.sampled_from(INDENTS), st.sampled_from(STARTS),
                     st.sampled_from(ENDS)).map("".join)
MD_TEXTS = st.lists(MD_LINES, max_size=12).map("\n".join)


@settings(max_examples=1500, deadline=None)
@given(text=MD_TEXTS)
def test_list_indent_prefilter_never_hides_a_block(text: str) -> None:
    from safetykb.rules.md001_list_indent import _MD, _OFF_GRID, scan

    if _OFF_GRID.search(text) is None:
        assert scan(text, _MD.parse(text)) == [], text


def test_list_indent_prefilter_skips_four_space_documents() -> None:
    from safetykb.rules.md001_list_indent import _OFF_GRID, misindented

    four = "1. Stop the press.\n\n    Key point: stopped.\n\n    - Hazard: run-on.\n"
    assert _OFF_GRID.search(four) is None and misindented(four) == []
    three = "1. Stop the press.\n\n   Key point: stopped.\n"
    assert _OFF_GRID.search(three) is not None and len(misindented(three)) == 1


# --- the loader: a task box is not a link -------------------------------------

LINK_PIECES = st.sampled_from(["[ ] ", "[x] ", "[X] ", "[ ]", "[]", "text ", "[manual]",
                               "[manual](m.md)", "(m.md)", " ", "<b>", "![img](i.png)",
                               "[ref]", "]", "[", "\n", "- ", "1. ", "<x@y.org>"])
LINK_TEXTS = st.lists(LINK_PIECES, max_size=10).map("".join)
DEFINITIONS = st.sampled_from(["", "\n\n[ref]: /r.md\n", "\n\n[x]: /x.md\n",
                               "\n\n[manual]: /m.md\n"])


@settings(max_examples=1500, deadline=None)
@given(text=LINK_TEXTS, definitions=DEFINITIONS)
def test_link_prefilter_finds_every_link_and_html(text: str, definitions: str) -> None:
    from safetykb.loader import parse_body
    from safetykb.markdown import parser
    from safetykb.model import Document

    body = text + definitions
    doc = Document(path=Path("x.md"), relpath="x.md", text=body, body=body)
    parse_body(doc)
    # Every inline token parsed, no prefilter: links, images and raw HTML.
    want_links, want_html = [], []
    env: dict[str, object] = {}
    inline = parser()
    for token in parser(inline=False).parse(body, env):
        if token.type == "html_block":
            want_html.append(token.content)
        children = inline.parseInline(token.content, env)[0].children \
            if token.type == "inline" else None
        for child in children or ():
            if child.type == "link_open":
                want_links.append(str(child.attrs.get("href", "")))
            elif child.type == "image":
                want_links.append(str(child.attrs.get("src", "")))
            elif child.type == "html_inline":
                want_html.append(child.content)
    assert [link.target for link in doc.links] == want_links, body
    assert [h.html for h in doc.html] == want_html, body


# --- PH001 and TX001: front-matter values --------------------------------------

# Pieces of double-quoted YAML scalars: words, placeholders, invisible
# characters as written and as YAML escapes (\u200b, \x7f, \N), backslashes.
VALUE_PIECES = st.sampled_from(["Forklift", "TODO", "tbd", "TBD", " ", "lorem ipsum", "待定",
                                "x", "\u200b", "\\u200b", "\\x7f", "\\N", "\\\\", "\\t",
                                "\u00ad", ":", "#", "'"])
VALUES = st.lists(VALUE_PIECES, max_size=6).map("".join)


@functools.cache
def _config() -> object:
    from safetykb.config import load_config

    root = Path(tempfile.mkdtemp())
    (root / "safetykb.yml").write_text("extends: default\n", "utf-8")
    return load_config(root)  # the defaults


def _front_matter_doc(values: list[str]) -> Any:
    from safetykb.loader import parse_front_matter
    from safetykb.model import Document

    lines = [f'k{i}: "{v}"' for i, v in enumerate(values)]
    lines += [f"tags: [{', '.join(chr(34) + v + chr(34) for v in values)}]"]
    text = "---\nid: CL-X-001\nstatus: approved\n" + "\n".join(lines) + "\n---\n\nBody.\n"
    doc = Document(path=Path("x.md"), relpath="x.md", text=text)
    parse_front_matter(doc, text, _config())  # type: ignore[arg-type]
    return doc


@settings(max_examples=400, deadline=None)
@given(values=st.lists(VALUES, max_size=4))
def test_front_matter_fast_paths_find_what_the_full_scans_find(values: list[str]) -> None:
    from safetykb.rules import ph001_placeholder as ph001
    from safetykb.rules import tx001_invisible_characters as tx001
    from safetykb.rules._values import strings

    doc = _front_matter_doc(values)
    if not doc.fm_ok:
        return
    words = tuple(OPTIONS["words"])
    rx = pattern(words)
    # The full scans: every value searched, no pre-test.
    want_ph = {doc.line_of(k) for k, v in doc.meta.items() if any(rx.search(t) for t in strings(v))}
    want_tx = {doc.line_of(k) for k, v in doc.meta.items()
               if any(tx001._BAD.search(t) for t in strings(v))}
    ctx = type("Ctx", (), {"options": {"words": list(words)}})()
    got_ph = {f.line for f in ph001.check(doc, ctx) if "in field" in f.message}
    raw = {n for n, line in enumerate(doc.text.split("\n"), start=1) if tx001._BAD.search(line)}
    got_tx = {f.line for f in tx001.check(doc, ctx)}
    assert got_ph == want_ph, (values, got_ph, want_ph)
    # TX001: every line holding the character as written, and every field
    # whose value holds it (through an escape) at the field's line.
    assert got_tx == raw | want_tx, (values, got_tx, want_tx, raw)


def test_image_source_read_as_a_browser_reads_it() -> None:
    from safetykb.sanitize import external_source

    assert external_source("/\t/evil.example/p.png") and external_source("https://x/p.png")
    assert external_source("//x/p.png") and not external_source("sign.png")
    assert not external_source("../assets/sign.png")


def test_fetch_advice_for_each_kind_of_ref() -> None:
    from safetykb.gitcontrol import fetch_hint

    assert "git fetch --depth=1 origin +main:refs/remotes/origin/main" in fetch_hint("main")
    assert "+main:refs/remotes/origin/main" in fetch_hint("origin/main")
    assert "+main:refs/remotes/origin/main" in fetch_hint("refs/heads/main")
    assert "git fetch --depth=1 upstream +main:refs/remotes/upstream/main" \
        in fetch_hint("upstream/main")
    assert "+feature/x:refs/remotes/origin/feature/x" in fetch_hint("feature/x")
    assert fetch_hint("a1b2c3d4").endswith("git fetch --depth=1 origin a1b2c3d4")
    for ref in ("HEAD", "HEAD~1", "main@{1}"):
        assert "--unshallow" in fetch_hint(ref), ref
