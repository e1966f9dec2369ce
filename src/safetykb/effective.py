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
from dataclasses import dataclass, field
from pathlib import Path

from .gitcontrol import GitError, _batch, _before_document, _git, int_value
from .history import NOT_A_REPOSITORY, SHALLOW, git_state
from .loader import parse_body
from .model import Document, KnowledgeBase
from .schema import parse_date

_COMMIT = "\x1e"


def takes_effect_later(doc: Document, today: dt.date) -> dt.date | None:
    """The ``effective`` date of an approved ``doc`` when it is after ``today``."""
    if not doc.fm_ok or doc.status != "approved":
        return None
    effective = parse_date(doc.meta.get("effective"))
    return effective if effective is not None and effective > today else None


def _versions(root: Path, relpath: str) -> list[tuple[str, str]]:
    """(commit, path at that commit, from the repository's top) of every
    commit on the main line that changed ``relpath``, newest first."""
    try:
        out = _git(root, ["-c", "core.quotePath=false", "log", "--first-parent",
                          "--diff-merges=first-parent", "--follow", "-M", "--name-status",
                          f"--format={_COMMIT}%H", "--", relpath])
    except GitError:
        return []
    versions: list[tuple[str, str]] = []
    for chunk in out.decode("utf-8", "surrogateescape").split(_COMMIT)[1:]:
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
    revision = int_value(doc, "revision")
    blobs = _read(kb.root, [f"{commit}:{path}" for commit, path in versions])
    for (commit, _path), data in zip(versions, blobs, strict=True):
        if data is None:
            continue
        old = _before_document(kb.root, doc.relpath, data, kb.config)
        effective = parse_date(old.meta.get("effective"))
        earlier = int_value(old, "revision")
        if (old.fm_ok and old.status == "approved" and old.id == doc.id and revision is not None
                and earlier is not None and earlier < revision
                and effective is not None and effective <= today):
            old.path, old.content_dir = doc.path, doc.content_dir
            parse_body(old)
            return old, commit
    return None


@dataclass
class Effective:
    """What :func:`apply_effective_dates` did: ``notes`` for the build's log
    (one per revision approved ahead), ``warnings`` that the person building
    should read (a document with no revision in force, the problems today's
    rules find in a revision read back from git)."""

    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def apply_effective_dates(kb: KnowledgeBase, today: dt.date) -> Effective:
    """Put, in ``kb``, the revision in force on ``today`` in the place of each
    revision approved to take effect later (see the module's description)."""
    out = Effective()
    for doc in kb.documents:
        # A live preview keeps documents between builds: this build decides.
        doc.takes_effect = doc.in_force = doc.next_revision = None
    ahead = [(doc, date) for doc in kb.documents
             if (date := takes_effect_later(doc, today)) is not None]
    if not ahead:
        return out
    missing, _head = git_state(kb.root)
    replaced: dict[str, tuple[Document, str]] = {}
    for doc, date in ahead:
        doc.takes_effect = date.isoformat()
        found = None if missing else in_force_revision(kb, doc, today)
        label = f"{doc.id} revision {doc.meta.get('revision')} takes effect on {date}"
        if found is None:
            why = {NOT_A_REPOSITORY: "outside git no earlier revision can be read",
                   SHALLOW: "this is a shallow clone, so git cannot give the revision in force "
                            "(clone with the full history; in CI: fetch-depth: 0)"
                   }.get(missing or "", "git has no earlier approved revision in force")
            # (Without history the revision in force is not known here, not absent.)
            state = "" if missing else "no revision of it is in force, and "
            out.warnings.append(f"{doc.relpath}: {label}; {why}: until then {state}its page is "
                                "published with a notice, out of the navigation, the search "
                                "and print")
            continue
        old, commit = found
        doc.in_force = old
        old.next_revision = doc
        replaced[doc.relpath] = (old, commit)
        out.notes.append(f"{doc.relpath}: {label}; until then revision "
                         f"{old.meta.get('revision')} (effective {old.meta.get('effective')}) "
                         "stays in force, and is what is published and printed")
    if replaced:
        # A new list: the knowledge base's lookups are kept per list.
        kb.documents = [replaced[d.relpath][0] if d.relpath in replaced else d
                        for d in kb.documents]
        out.warnings += _check_in_force(kb, replaced, today)
    out.warnings += _nothing_in_force(kb)
    return out


def _check_in_force(kb: KnowledgeBase, replaced: dict[str, tuple[Document, str]],
                    today: dt.date) -> list[str]:
    """The revisions read back from git are published, so they are checked:
    with today's rules (which may be newer than they are), among the other
    documents (links, references, ids). They cannot be edited (they are
    history): what is found is said, with the commit to read them at."""
    from .linter import lint

    docs = [old for old, _commit in replaced.values()]
    problems = lint(kb, today, only=docs)
    for old in docs:
        old.block_tokens = None
    out = []
    for problem in problems:
        old, commit = replaced[problem.path]
        out.append(f"{problem.path}:{problem.line}:{problem.column}: {problem.level} "
                   f"{problem.rule} (revision {old.meta.get('revision')}, in force until "
                   f"{old.next_revision.takes_effect if old.next_revision else '?'}; read it "
                   f"with git show {commit[:10]}:{problem.path}) {problem.message}")
    return out


def _nothing_in_force(kb: KnowledgeBase) -> list[str]:
    """Documents superseded by one that is not in force yet and has no
    revision in force: until its date, neither is (GC007 reports it in the
    change that did it)."""
    by_id = kb.by_id()
    out = []
    for doc in kb.documents:
        successor = by_id.get(str(doc.meta.get("superseded_by") or ""))
        if doc.status == "superseded" and successor is not None and successor.takes_effect:
            out.append(f"{doc.relpath}: {doc.id} is superseded by {successor.id}, which takes "
                       f"effect only on {successor.takes_effect}: until then neither is in "
                       f"force; set {doc.id} back to approved until that day (GC007)")
    return out
