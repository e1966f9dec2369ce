"""Bad inputs that cannot live in git as fixtures, and checks over the whole
bad-input corpus (``tests/fixtures/bad-input/``).

Symbolic links out of the tree and a 10 MB file are built in ``tmp_path`` at
run time. Every case asserts the exact set of (path, line, rule) found and
that the message helps: it quotes the bad value or says what was expected.

Every test id carries ``bad-input`` so that
``pytest tests/test_rule_fixtures.py -k bad-input tests/test_bad_input_extra.py``
selects all of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, lint_root, materialise
from safetykb.model import Problem

BAD_INPUT = FIXTURES / "bad-input"
CASES = sorted(p for p in BAD_INPUT.iterdir() if p.is_dir())

DOC = """\
---
id: {id}
title: Lockout and tagout of machinery
type: procedure
revision: 1
status: approved
owner: Maintenance Department
author: Maintenance Engineer
approved_by: Plant Manager
effective: 2026-05-01
review_due: 2027-05-01
---

## Purpose

Make sure that no machine can start while anyone is working on it.

## Scope

All machines of the press shop.

## Responsibilities

- **Team leaders**: issue personal locks and check that they are used.

## Hazards and controls

Unexpected start-up causes crushing. Control: isolate, lock, tag and test.

## Procedure

1. Stop the machine with the normal stop control.
2. Switch off the isolator and fit your personal lock and tag.
3. Press start to test that the machine does not move.

## Emergency

Press the emergency stop and call the first-aid team on extension 222.

## Records

The lockout log at the press shop office, kept for three years.

## References

- Isolation point list of each machine, kept on the machine.
"""


def found(problems: list[Problem]) -> set[tuple[str, int, str]]:
    return {(p.path, p.line, p.rule) for p in problems}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


Expected = set[tuple[str, int, str]]
#: (rule, texts that one message of that rule must all contain)
Helpful = list[tuple[str, tuple[str, ...]]]
LOTO = "procedures/lockout/proc-loto-001.md"


def baseline_clean(kb: Path, outside: Path) -> tuple[Expected, Helpful]:
    """The document the cases below start from has no problem of its own."""
    write(kb / LOTO, DOC.format(id="PROC-LOTO-001"))
    return set(), []


# --- symbolic links ------------------------------------------------------------

def symlink_file_outside(kb: Path, outside: Path) -> tuple[Expected, Helpful]:
    target = write(outside / "secret.md", DOC.format(id="PROC-LOTO-001"))
    (kb / LOTO).parent.mkdir(parents=True)
    (kb / LOTO).symlink_to(target)
    return {(LOTO, 1, "FL003")}, [
        ("FL003", ("symbolic link", str(target.resolve()), "outside the knowledge base"))]


def symlink_folder_outside(kb: Path, outside: Path) -> tuple[Expected, Helpful]:
    write(outside / "proc-loto-001.md", DOC.format(id="PROC-LOTO-001"))
    write(outside / "proc-loto-002.md", DOC.format(id="PROC-LOTO-002"))
    (kb / "procedures").mkdir()
    (kb / "procedures/lockout").symlink_to(outside, target_is_directory=True)
    return {("procedures/lockout", 1, "FL003")}, [
        ("FL003", ("symbolic link", str(outside.resolve())))]


def symlink_dangling_outside(kb: Path, outside: Path) -> tuple[Expected, Helpful]:
    (kb / LOTO).parent.mkdir(parents=True)
    (kb / LOTO).symlink_to("/nonexistent/safetykb/proc-loto-001.md")
    return {(LOTO, 1, "FL003")}, [("FL003", ("/nonexistent/safetykb/proc-loto-001.md",))]


def symlink_loop(kb: Path, outside: Path) -> tuple[Expected, Helpful]:
    """``ln -s proc-loto-001.md proc-loto-001.md``: reported, never a crash."""
    (kb / LOTO).parent.mkdir(parents=True)
    (kb / LOTO).symlink_to("proc-loto-001.md")
    write(kb / "procedures/lockout/proc-loto-002.md", DOC.format(id="PROC-LOTO-002"))
    return {(LOTO, 1, "FL001")}, [("FL001", ("link",))]


# --- size limits ---------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024


def ten_megabyte_file(kb: Path, outside: Path) -> tuple[Expected, Helpful]:
    head = DOC.format(id="PROC-LOTO-001")
    filler = "Read the isolation point list before every job on the press.\n"
    text = head + filler * ((TEN_MB - len(head)) // len(filler) + 1)
    (kb / LOTO).parent.mkdir(parents=True)
    (kb / LOTO).write_bytes(text.encode("utf-8")[:TEN_MB])
    assert (kb / LOTO).stat().st_size == TEN_MB
    return {(LOTO, 1, "FL002")}, [("FL002", (str(TEN_MB), "1048576", "max_file_bytes"))]


def yaml_bomb_9x9(kb: Path, outside: Path) -> tuple[Expected, Helpful]:
    """Billion laughs, 9 levels of 9 aliases: expanded, 9**9 (387 million)
    strings. Refused with FM006 without expanding it; the test completing is
    the check (no assertion on time)."""
    lines = ["lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        lines.append(f"lol{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    text = DOC.format(id="PROC-LOTO-001").replace(
        "review_due: 2027-05-01\n", "review_due: 2027-05-01\n" + "\n".join(lines) + "\n", 1)
    write(kb / LOTO, text)
    # Line 12 holds the first anchor, right after review_due (line 11).
    return {(LOTO, 12, "FM006")}, [("FM006", ("alias",))]


BUILT = {f"bad-input/{f.__name__.replace('_', '-')}": f for f in [
    baseline_clean, symlink_file_outside, symlink_folder_outside, symlink_dangling_outside,
    symlink_loop, ten_megabyte_file, yaml_bomb_9x9]}


@pytest.mark.parametrize("name", sorted(BUILT))
def test_built_case(name: str, kb_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    expected, helpful = BUILT[name](kb_dir, tmp_path_factory.mktemp("outside"))
    problems = lint_root(kb_dir)  # never raises on bad input
    assert found(problems) == expected, (
        f"\nmissing: {sorted(expected - found(problems))}"
        f"\nunexpected: {sorted(found(problems) - expected)}")
    check_helpful(name, problems, helpful)
    for p in problems:
        assert "Traceback" not in p.message and "\n" not in p.message, p


def check_helpful(name: str, problems: list[Problem], helpful: Helpful) -> None:
    for rule, texts in helpful:
        messages = [p.message for p in problems if p.rule == rule]
        assert any(all(t in m for t in texts) for m in messages), (
            f"{name}: no {rule} message contains {texts}; got {messages}")


# --- the whole corpus ------------------------------------------------------------------

def _problems(case: Path, tmp_path: Path) -> list[Problem]:
    materialise(case, tmp_path)
    return lint_root(tmp_path)


@pytest.mark.parametrize("group", ["bad-input"])
def test_the_corpus_is_large_enough(group: str) -> None:
    assert len(CASES) >= 45, len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"bad-input/{p.name}" for p in CASES])
def test_every_message_is_one_line_without_traceback(case: Path, tmp_path: Path) -> None:
    problems = _problems(case, tmp_path)  # must not raise
    for p in problems:
        assert "Traceback" not in p.message, p
        assert "\n" not in p.message and "\r" not in p.message, p
        assert p.message.strip() == p.message and p.message, p
        assert p.line >= 1 and p.column >= 1, p
        assert p.level in ("error", "warning"), p


#: case -> (rule, texts that one message of that rule in the case must all contain).
#: A helpful message quotes the bad value and says what was expected.
HELPFUL: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "01-yaml-tab-indent": [("FM002", ("tab",))],
    "02-yaml-unclosed-quote": [("FM002", ("quot",))],
    "03-yaml-duplicate-key": [("FM007", ("'owner'", "line 7"))],
    "04-yaml-anchor-alias": [("FM006", ("&", "*"))],
    "08-front-matter-list": [("FM001", ("mapping", "list"))],
    "09-front-matter-scalar": [("FM001", ("mapping",))],
    "10-revision-word": [("FM004", ("'two'", "whole number"))],
    "11-revision-boolean": [("FM004", ("true", "whole number"))],
    "12-tags-string": [("FM004", ("'lockout, tagout, isolation'", "list"))],
    "13-related-mapping": [("FM004", ("mapping", "list of ids"))],
    "14-date-february-30": [("FM004", ("'2026-02-30'", "date"))],
    "15-date-month-13": [("FM004", ("'2026-13-01'", "date"))],
    "16-date-next-month": [("FM004", ("'next month'", "YYYY-MM-DD"))],
    "17-id-lower-case": [("FM004", ("'proc-loto-001'", "upper case"))],
    "18-id-with-spaces": [("FM004", ("'ACT PRESS 001'",))],
    "19-id-zero-width-space": [("FM004", ("invisible",)), ("TX001", ("U+200B",))],
    "20-id-rtl-override": [("FM004", ("invisible",)), ("TX001", ("U+202E",))],
    "21-duplicate-id": [("ID001", ("'PROC-LOTO-001'", "procedures/lockout/proc-loto-001.md"))],
    "22-dangling-reference": [("REF001", ("'ACT-PRESS-009'",))],
    "23-self-reference": [("REF002", ("'ACT-PRESS-001'",))],
    "24-superseded-circular": [("REF003", ("circle", "ACT-PRESS-002"))],
    "25-superseded-chain-to-withdrawn": [("REF003", ("ACT-PRESS-003", "withdrawn"))],
    "26-empty-body": [("ST003", ("no body",))],
    "27-checklist-empty-pause-point": [("CL002", ("During the shift",))],
    "28-checklist-40-items": [("CL003", ("40", "9"))],
    "29-sections-swapped": [("ST001", ("Steps", "out of order", "Hazards and controls"))],
    "30-heading-skips-level": [("ST004", ("Stored energy", "###"))],
    "31-title-heading-in-body": [("ST005", ("# Clear a jam in the power press",))],
    "32-byte-order-mark": [("FL004", ("BOM",))],
    "33-crlf-line-endings": [("FL004", ("CRLF", "LF"))],
    "34-mixed-line-endings": [("FL004", ("CRLF", "LF"))],
    "35-latin-1-bytes": [("FL001", ("0xb0", "UTF-8"))],
    "36-gbk-bytes": [("FL001", ("UTF-8",))],
    "39-very-long-line": [("FL002", ("300", "200"))],
    "40-script-tag": [("HT001", ("<script>",))],
    "41-iframe": [("HT001", ("<iframe>",))],
    "42-object-and-embed": [("HT001", ("<object>",)), ("HT001", ("<embed>",))],
    "43-onclick-attribute": [("HT001", ("onclick",))],
    "44-javascript-link": [("LK001", ("javascript",))],
    "45-javascript-entity-disguised": [("LK001", ("javascript",))],
    "46-data-url": [("LK001", ("data:",))],
    "47-vbscript-url": [("LK001", ("vbscript",))],
    "48-html-a-javascript": [("HT001", ("<a>", "script URL"))],
    "49-link-outside-dotdot": [("LK002", ("'../../../../etc/passwd'", "outside"))],
    "50-link-absolute-path": [("LK002", ("'/etc/passwd'", "relative"))],
    "51-link-windows-path": [("LK002", ("C:", "absolute"))],
    "52-snippet-include-outside": [("LK002", ("../../../../etc/passwd", "outside"))],
    "53-broken-relative-link": [("LK003", ("'../actions/act-press-001.md'",))],
    "54-control-character-bell": [("TX001", ("U+0007",))],
    "55-unknown-field-typo": [("FM005", ("'reveiw_due'", "did you mean 'review_due'")),
                              ("FM003", ("'review_due'", "missing"))],
    "56-approved-without-approval-fields": [("FM003", ("'approved_by'",)),
                                            ("FM003", ("'effective'",)),
                                            ("FM003", ("'review_due'",))],
    "57-self-approval": [("DC003", ("'Warehouse Team Leader'", "different"))],
    "58-review-not-after-effective": [("DC001", ("2026-12-01", "after"))],
    "59-review-overdue-past-grace": [("DC002", ("2026-09-01", "grace"))],
    "60-checklist-mixed-forms": [
        ("CL004", ("'Do the horn and lights work?'", "is a question",
                   "of the", "items are statements")),
        ("CL004", ("'Is the parking brake on and the key removed?'",
                   "items are statements"))],
    "61-optional-wording-en": [("ACT001", ("'If possible'",)), ("ACT001", ("'should'",))],
    "62-optional-wording-zh": [("ACT001", ("'可以'",))],
    "63-steps-bullet-list": [("ST002", ("ordered",))],
    "64-yaml-python-tag": [("FM002", ("python/object/apply",))],
    "65-html-a-file-url": [("HT001", ("file:",))],
    "66-javascript-tab-entity": [("LK001", ("javascript",))],
    "67-html-a-entity-javascript": [("HT001", ("script URL",))],
    "68-snippet-block-outside": [("LK002", ("../../../../etc/passwd", "outside"))],
    "69-revision-huge-number": [("FM002", ("revision",))],
}


@pytest.mark.parametrize("name", sorted(HELPFUL), ids=[f"bad-input/{n}" for n in sorted(HELPFUL)])
def test_message_is_helpful(name: str, tmp_path: Path) -> None:
    assert (BAD_INPUT / name).is_dir(), name
    check_helpful(name, _problems(BAD_INPUT / name, tmp_path), HELPFUL[name])


@pytest.mark.parametrize("name", ["bad-input/59-review-overdue-past-grace"])
def test_overdue_review_past_grace_is_an_error(name: str, tmp_path: Path) -> None:
    problems = _problems(FIXTURES / name, tmp_path)
    assert [(p.rule, p.level) for p in problems] == [("DC002", "error")]
