"""The rules' fast paths never change what a rule finds.

Some rules skip a document with a cheap test before their full scan (PH001
looks for the first word of each placeholder with substring tests before
running its pattern). A fast path may only ever say "cannot match" when the
full scan would find nothing: these properties compare the two on random
text built from the words that matter.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

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
