"""Revisions approved ahead of their effective date.

A revision may be approved before it takes effect (people are trained
first, the new guard is fitted on a set day). Until its ``effective`` date
the revision before it stays in force, and that is what every output shows:
the page, the register, the tag pages, the search and the printed sheets.
:func:`apply_effective_dates` makes it so, once, after the checks and before
any output is made:

- The revision in force is read from git: the newest commit of the file (on
  the main line, renames followed) where it was approved with an
  ``effective`` date on or before the day of the build. It takes the
  approved revision's place in the knowledge base; its page carries a notice
  with the date and a link to the approved revision.
- The approved revision gets a page of its own beside it (``x.md`` publishes
  ``x.next/``), out of the navigation, the search and print, under a
  "Not yet in force" banner that links back to the revision in force.
- A first revision (or one git cannot go back from: not a repository, a
  shallow clone) has nothing to stand in for it: its page is published with
  the banner and it is not listed, searched or printed until the date.

The site changes over on the first build on or after the date: build it
daily (the CI templates that ``safetykb init`` writes do). One ``git log``
runs per document approved ahead, none when there is no such document.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .gitcontrol import GitError, _batch, _git_run
from .history import NOT_A_REPOSITORY, SHALLOW
from .linter import lint_locally
from .loader import decode, parse_body, parse_front_matter
from .model import Document, KnowledgeBase
from .schema import parse_date

_COMMIT = "\x1e"


def takes_effect_later(doc: Document, today: dt.date) -> dt.date | None:
    """The ``effective`` date of an approved ``doc`` when it is after ``today``."""
    if not doc.fm_ok or doc.status != "approved":
        return None
    effective = parse_date(doc.meta.get("effective"))
    return effective if effective is not None and effective > today else None


def _run(root: Path, args: list[str]) -> bytes | None:
    try:
        result = _git_run(root, ["-c", "core.quotePath=false", *args])
    except GitError:
        return None
    return result.stdout if result.returncode == 0 else None


def history_missing(root: Path) -> str | None:
    """Why git cannot give earlier revisions here (None when it can)."""
    shallow = _run(root, ["rev-parse", "--is-shallow-repository"])
    if shallow is None or _run(root, ["rev-parse", "--verify", "-q", "HEAD"]) is None:
        return NOT_A_REPOSITORY
    return SHALLOW if shallow.strip() == b"true" else None


def _versions(root: Path, relpath: str) -> list[tuple[str, str]]:
    """(commit, path at that commit, from the repository's top) of every
    commit on the main line that changed ``relpath``, newest first."""
    out = _run(root, ["log", "--first-parent", "--follow", "-M", "--name-status",
                      f"--format={_COMMIT}%H", "--", relpath])
    versions: list[tuple[str, str]] = []
    for chunk in (out or b"").decode("utf-8", "surrogateescape").split(_COMMIT)[1:]:
        lines = [line for line in chunk.split("\n") if line]
        if len(lines) < 2:
            continue
        fields = lines[-1].split("\t")
        if fields[0].startswith("D"):
            continue
        versions.append((lines[0], fields[-1]))
    return versions


def _read(root: Path, names: list[str]) -> list[bytes | None]:
    """The blobs ``commit:path`` of ``names`` (None where git has none)."""
    try:
        return [data if kind == b"blob" else None for kind, data in _batch(root, names)]
    except GitError:
        return [None] * len(names)


def in_force_revision(kb: KnowledgeBase, doc: Document,
                      today: dt.date) -> tuple[Document, str] | None:
    """The revision of ``doc`` in force on ``today``, as git recorded it, and
    its commit: the newest version approved with an ``effective`` date no
    later than ``today`` and a lower revision; None when there is none."""
    versions = _versions(kb.root, doc.relpath)
    revision = doc.meta.get("revision")
    blobs = _read(kb.root, [f"{commit}:{path}" for commit, path in versions])
    for (commit, _path), data in zip(versions, blobs, strict=True):
        if data is None:
            continue
        old = Document(path=doc.path, relpath=doc.relpath, text="")
        old.content_dir = doc.content_dir
        text = decode(old, data)
        if text is None:
            continue
        old.text = text
        parse_front_matter(old, text, kb.config)
        effective = parse_date(old.meta.get("effective"))
        raised = (isinstance(revision, int) and isinstance(old.meta.get("revision"), int)
                  and old.meta["revision"] < revision)
        if (old.fm_ok and old.status == "approved" and old.id == doc.id and raised
                and effective is not None and effective <= today):
            parse_body(old)
            return old, commit
    return None


def apply_effective_dates(kb: KnowledgeBase, today: dt.date) -> list[str]:
    """Put, in ``kb``, the revision in force on ``today`` in the place of each
    revision approved to take effect later (see the module's description);
    return what the build should say about them."""
    notes: list[str] = []
    for doc in kb.documents:
        # A live preview keeps documents between builds: this build decides.
        doc.takes_effect = doc.in_force = doc.next_revision = None
    ahead = [(doc, date) for doc in kb.documents
             if (date := takes_effect_later(doc, today)) is not None]
    if not ahead:
        return notes
    missing = history_missing(kb.root)
    replaced: dict[str, Document] = {}
    for doc, date in ahead:
        doc.takes_effect = date.isoformat()
        found = None if missing else in_force_revision(kb, doc, today)
        label = f"{doc.id} revision {doc.meta.get('revision')} takes effect on {date}"
        if found is None:
            why = (missing.split(":", 1)[1].strip().rstrip(".") if missing else
                   "git has no earlier approved revision in force")
            notes.append(f"{doc.relpath}: {label}; {why}: until then its page is published "
                         "with a notice, out of the navigation, the search and print")
            continue
        old, commit = found
        doc.in_force = old
        old.next_revision = doc
        replaced[doc.relpath] = old
        notes.append(f"{doc.relpath}: {label}; until then revision "
                     f"{old.meta.get('revision')} (effective {old.meta.get('effective')}) stays "
                     "in force, and is what is published and printed")
        # Published, so checked: with today's rules, which may be newer than
        # the revision. It cannot be edited (it is history): said, not refused.
        lint_locally([old], kb, today)
        old.block_tokens = None
        where = (f"(revision {old.meta.get('revision')}, in force until {date}, from commit "
                 f"{commit[:10]})")
        notes += [f"{p.path}:{p.line}:{p.column}: {p.level} {p.rule} {where} {p.message}"
                  for p in old.local_problems or ()]
    if replaced:
        # A new list: the knowledge base's lookups are kept per list.
        kb.documents = [replaced.get(d.relpath, d) if d.takes_effect else d
                        for d in kb.documents]
    return notes
