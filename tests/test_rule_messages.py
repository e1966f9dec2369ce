"""Messages that quote document text: one line, cut at a word with an
ellipsis (``rules/_text.py``), never in the middle of a word."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import FIXTURES, lint_root
from safetykb.rules._text import ELLIPSIS, shorten

MESSAGES = FIXTURES / "messages"


def test_shorten_cuts_at_a_word_and_says_so() -> None:
    text = "Where the power disconnecting means for equipment does not also disconnect"
    short = shorten(text, 50)
    assert short == "Where the power disconnecting means for" + ELLIPSIS
    assert shorten("短" * 80, 10) == "短" * 9 + ELLIPSIS  # no spaces: cut at the limit
    assert shorten("line one\n   line two") == "line one line two"
    assert shorten("fits") == "fits"


def test_quoted_document_text_is_cut_at_a_word(tmp_path: Path) -> None:
    shutil.copytree(MESSAGES, tmp_path / "kb")
    problems = lint_root(tmp_path / "kb")
    source = (MESSAGES / "cl-msg-001.md").read_text("utf-8")
    words = " ".join(source.split())
    cut = [p for p in problems if ELLIPSIS in p.message]
    assert {p.rule for p in cut} >= {"CL002", "CL004"}, [p.format_text() for p in problems]
    for problem in problems:
        assert "\n" not in problem.message, problem.format_text()
    for problem in cut:
        for shown in re.findall(rf"([^'\"]+){ELLIPSIS}", problem.message):
            shown = shown.removeprefix("## ")
            at = words.find(shown)
            assert at >= 0, problem.message
            # What follows the quoted part in the document starts a new word.
            assert words[at + len(shown)] == " ", problem.message


def test_invisible_characters_at_the_ends_stay_in_the_quote() -> None:
    """TX001 reports characters such as U+2028 at the end of a value; the
    quote must still show them (repr), not trim them away."""
    from safetykb.rules._text import quoted

    assert quoted("Plant Manager\u2028") == "'Plant Manager\\u2028'"
    assert quoted("\x0bSafety\x1c") == "'\\x0bSafety\\x1c'"
    assert quoted("  two\nlines  ") == "'two lines'"


def test_common_front_matter_slips_say_what_to_write(tmp_path: Path) -> None:
    """A second colon in a plain value (YAML's "mapping values are not
    allowed") says to quote it; a status in the wrong case names the right one."""
    (tmp_path / "safetykb.yml").write_text("content_dirs: [.]\n", "utf-8")
    head = "---\nid: CL-MSG-{n}\ntype: checklist\nrevision: 1\nowner: Safety\nmode: read-do\n"
    (tmp_path / "colon.md").write_text(head.format(n="101") + "title: Hot work: permits\n"
                                       "status: draft\n---\n\n## A\n\n- [ ] b\n", "utf-8")
    (tmp_path / "case.md").write_text(head.format(n="102") + "title: Case\nstatus: Draft\n"
                                      "---\n\n## A\n\n- [ ] b\n", "utf-8")
    (tmp_path / "indent.md").write_text(head.format(n="103") + "title: Indented\n"
                                        "  status: draft\n---\n\n## A\n\n- [ ] b\n", "utf-8")
    found = {p.path: p for p in lint_root(tmp_path)}
    assert "check the indentation" in found["indent.md"].message, found["indent.md"].message
    assert "quoted" not in found["indent.md"].message
    assert found["colon.md"].rule == "FM002" and found["colon.md"].line == 7
    assert "must be quoted: title: \"...\"" in found["colon.md"].message
    assert found["case.md"].rule == "FM004"
    assert "(did you mean 'draft'?)" in found["case.md"].message


def test_a_review_date_before_the_effective_date_is_reported_once(tmp_path: Path) -> None:
    """By DC001; by DC002 (overdue) only when DC001 is off."""
    source = (FIXTURES / "rules/DC001/bad-year-typo.md").read_text("utf-8").replace(" {DC001}", "")
    (tmp_path / "a.md").write_text(source, "utf-8")
    (tmp_path / "safetykb.yml").write_text("content_dirs: [.]\n", "utf-8")
    assert [p.rule for p in lint_root(tmp_path) if p.rule.startswith("DC")] == ["DC001"]
    (tmp_path / "safetykb.yml").write_text("content_dirs: [.]\nrules:\n  DC001: off\n", "utf-8")
    assert [p.rule for p in lint_root(tmp_path) if p.rule.startswith("DC")] == ["DC002"]
