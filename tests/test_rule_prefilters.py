"""The rules' fast paths never change what a rule finds.

Some rules skip a document with a cheap test before their full scan (PH001
looks for the longest word of each placeholder with substring tests before
running its pattern), or work a thing out once per run (LK002, the real path
of each folder). A fast path may only ever say "cannot match" when the full
scan would find nothing: these properties compare the two on random input
built from what matters.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

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
