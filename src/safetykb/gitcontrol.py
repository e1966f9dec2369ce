"""Document control over time: compare the knowledge base with a git revision.

``safetykb check --against REF`` reads every controlled document as it was at
``REF`` (a branch, tag or commit; in CI the pull request's base) and runs the
rules of scope ``"history"`` (GC001…) over the pair of trees: revision
discipline, effective dates, permanent ids, deletions and supersession.

The tree at ``REF`` is read with two git processes whatever its size: one
``git ls-tree -r`` lists the files under the content folders and one
``git cat-file --batch`` streams their contents. Only files whose text differs
from the working tree are parsed (front matter only). Documents are paired
by id and confirmed by content, so a file moved to another folder is the same
document, and an id changed, reused or swapped is caught whatever the files
are called.

Nothing here prints or exits: bad input (no git, no repository, an unknown
``REF``) raises :class:`GitError` with a message for the user.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import posixpath
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .config import Config
from .loader import decode, parse_front_matter
from .model import Document, KnowledgeBase, Problem

if TYPE_CHECKING:
    from .rules.base import Context, Rule

# The rule modules import this one; the rules (and the registry and the
# linter, which import them) are imported where used, so that either can be
# imported first.

#: Statuses of documents that are under control: deleting one loses the record.
CONTROLLED = ("approved", "superseded", "withdrawn")
#: Front-matter keys an approved document may change without a new revision:
#: retiring it (status superseded or withdrawn, superseded_by) and confirming
#: it at a periodic review (review_due).
LIFECYCLE_KEYS = frozenset({"status", "superseded_by", "review_due"})
#: Two versions whose bodies share at least this share of lines are one document.
SAME_DOCUMENT_RATIO = 0.5


class GitError(Exception):
    """git cannot give what ``--against`` needs; the message says why and what to do."""


_SHA = re.compile(r"[0-9a-fA-F]{7,40}")


def fetch_hint(ref: str) -> str:
    """How to make ``ref`` available in a shallow CI clone (``+``: the
    command works again once the branch has moved on)."""
    if _SHA.fullmatch(ref):
        return (f"in a shallow CI clone fetch that commit first: git fetch --depth=1 origin "
                f"{ref}")
    if ref == "HEAD" or any(c in ref for c in "~^@:{"):
        return "in a shallow clone fetch more history first: git fetch --unshallow"
    remote, branch = "origin", ref
    for prefix in ("refs/remotes/", "refs/heads/"):
        branch = branch.removeprefix(prefix)
    if ref.startswith("refs/remotes/") or (not ref.startswith("refs/") and "/" in branch
                                           and branch.split("/", 1)[0] in ("origin", "upstream")):
        remote, branch = branch.split("/", 1)
    return (f"in a shallow CI clone fetch the base first: git fetch --depth=1 {remote} "
            f"+{branch}:refs/remotes/{remote}/{branch} (then use --against {remote}/{branch})")


def _is_shallow(root: Path) -> bool:
    return _git_run(root, ["rev-parse", "--is-shallow-repository"]).stdout.strip() == b"true"


def _missing_ref_hint(root: Path, ref: str) -> str:
    """What to do about a ``ref`` that is not here: in a shallow clone (CI)
    fetch it; in a full one it is probably misspelt (``main`` in a
    repository whose branch is ``master``): name the branches there are, and
    how to fetch it when there is a remote."""
    shallow = _is_shallow(root)
    if shallow or _SHA.fullmatch(ref):
        return fetch_hint(ref)
    listed = _git_run(root, ["for-each-ref", "--count=12", "--sort=-committerdate",
                             "--format=%(refname:short)", "refs/heads", "refs/remotes"])
    names = [n for n in listed.stdout.decode("utf-8", "replace").split() if not n.endswith("/HEAD")]
    if not names:
        return "this repository has no branch yet: commit first"
    close = difflib.get_close_matches(ref, names, n=1, cutoff=0.6)
    hint = f"use one of the branches here: {', '.join(names)}"
    if close:
        hint = f"did you mean --against {close[0]}? The branches here: {', '.join(names)}"
    remotes = _git_run(root, ["remote"]).stdout.decode("utf-8", "replace").split()
    if not remotes:
        return hint
    # A full clone: fetching with --depth would make it shallow.
    remote, _, branch = ref.partition("/") if ref.split("/", 1)[0] in remotes else \
        (remotes[0], "", ref)
    return hint + f"; or fetch it: git fetch {remote} {branch}"


def _git_run(root: Path, args: list[str],
             stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "--literal-pathspecs", *args], cwd=root, input=stdin,
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed; --against compares with a git revision "
                       "and needs it") from None


def _stderr(result: subprocess.CompletedProcess[bytes], args: list[str]) -> str:
    """git's message on one line (all of it: the reason and git's advice)."""
    lines = [line.strip() for line in result.stderr.decode("utf-8", "replace").splitlines()]
    return " ".join(line for line in lines if line) or f"git {args[0]} failed"


def _git(root: Path, args: list[str], stdin: bytes | None = None) -> bytes:
    result = _git_run(root, args, stdin)
    if result.returncode != 0:
        raise GitError(_stderr(result, args))
    return result.stdout


def base_commit(root: Path, ref: str) -> tuple[str, str | None]:
    """The commit to compare with, and a note for the user (or None).

    That is where the history of ``HEAD`` meets ``ref`` (their merge base):
    what the branch changed since it began, as a pull request shows it, and
    not what ``ref`` gained since then. Without a common commit in the clone
    (a shallow clone, unrelated histories) it is ``ref`` itself, with a note
    saying so. Raises :class:`GitError` when ``ref`` is not a commit here.
    """
    if not ref or ref.startswith("-") or any(c in ref for c in "\0\n") \
            or any(c.isspace() for c in ref) or ".." in ref:
        raise GitError(f"--against {ref!r}: expected one branch, tag or commit")
    args = ["rev-parse", "--verify", f"{ref}^{{commit}}"]
    found = _git_run(root, args)
    if found.returncode != 0:
        text = _stderr(found, args)
        if "not a git repository" in text.lower():
            raise GitError(f"{root} is not in a git repository; --against compares the "
                           "documents with a git revision")
        if "dubious ownership" in text:
            raise GitError(f"--against {ref!r}: git refuses this repository ({text})")
        raise GitError(f"--against {ref!r}: no such commit in this clone; "
                       f"{_missing_ref_hint(root, ref)}")
    commit = found.stdout.decode("ascii").strip()
    met = _git_run(root, ["merge-base", commit, "HEAD"])
    if met.returncode == 0:
        base = met.stdout.decode("ascii").strip()
        if base == commit:
            return commit, None
        return base, (f"compared with {ref} as it was at {base[:10]}, where this branch "
                      f"began (what {ref} gained since is not this change)")
    shallow = _is_shallow(root)
    why = ("this is a shallow clone: fetch the history (git fetch --unshallow) to compare "
           "with where the branch began" if shallow else
           "their histories are unrelated (or HEAD has no commit yet)")
    return commit, (f"{ref} and HEAD share no commit here: compared with {ref} itself, so "
                    f"what {ref} gained since this branch began counts as changed here; {why}")


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n") if "\r" in text else text


def _same_text(a: str, b: str) -> bool:
    """The same text, line endings aside (equal strings compare at once)."""
    return a == b or _norm(a) == _norm(b)


def content_dirs_at(root: Path, commit: str, config: Config) -> list[str]:
    """The content folders of the working tree's configuration and those of
    the configuration at ``commit``: a change to ``content_dirs`` that leaves
    a document out is then seen as that document's deletion."""
    dirs = list(config.content_dirs or ["."])
    name = config.path.name if config.path is not None else "safetykb.yml"
    result = _git_run(root, ["cat-file", "blob", f"{commit}:./{name}"])
    if result.returncode != 0:
        return dirs
    try:
        data = yaml.safe_load(result.stdout.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return dirs
    then = data.get("content_dirs") if isinstance(data, dict) else None
    for folder in then if isinstance(then, list) else ():
        # Only folders inside the knowledge base (git refuses the others).
        if isinstance(folder, str) and folder.strip() and folder not in dirs \
                and not posixpath.isabs(folder) \
                and not posixpath.normpath(folder).startswith(".."):
            dirs.append(folder)
    return dirs


def read_listing(root: Path, ref: str, config: Config, dirs: list[str] | None = None,
                 links: list[str] | None = None,
                 submodules: list[str] | None = None) -> list[tuple[str, str]]:
    """Every Markdown file under the content folders (or ``dirs``) at
    ``ref``, with its blob id: (relpath, oid), in git's order. The paths of
    Markdown files that are symbolic links go to ``links``, those of
    submodules to ``submodules``.

    Paths are relative to ``root`` (which may be a sub-folder of the
    repository). Raises :class:`GitError` when ``ref`` cannot be read.
    """
    if not ref or ref.startswith("-") or any(c in ref for c in "\0\n"):
        raise GitError(f"--against {ref!r}: expected a branch, tag or commit")
    dirs = dirs or config.content_dirs or ["."]
    try:
        listing = _git(root, ["ls-tree", "-r", "-z", ref, "--", *dirs])
    except GitError as exc:
        text = str(exc)
        if "not a git repository" in text.lower():
            raise GitError(f"{root} is not in a git repository; --against compares the "
                           "documents with a git revision") from None
        raise GitError(f"--against {ref!r}: git cannot read this revision ({text}); "
                       f"{fetch_hint(ref)}") from None
    wanted: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid = meta.split(b" ")
        path = raw_path.decode("utf-8", "surrogateescape")
        # The same files the loader discovers: Markdown, no dot folders.
        if path.startswith(".") or "/." in path:
            continue
        if kind == b"commit":
            if submodules is not None:
                submodules.append(path)
            continue
        if kind != b"blob" or not path.endswith(".md"):
            continue
        if mode == b"120000":
            if links is not None:
                links.append(path)
            continue
        wanted.append((path, oid.decode("ascii")))
    return wanted


def _batch(root: Path, names: list[str], follow: bool = False) -> list[tuple[bytes, bytes | None]]:
    """``git cat-file --batch`` (``--follow-symlinks`` with ``follow``) for
    ``names``, one answer each, in order: (its header's kind, the contents;
    None when git has no object). The kind is ``blob``, ``tree``, ... or,
    for a link followed nowhere, ``dangling``, ``loop``, ``notdir`` or
    ``symlink`` (out of the repository)."""
    args = ["cat-file", "--batch", *(["--follow-symlinks"] if follow else [])]
    stream = _git(root, args, stdin="".join(f"{name}\n" for name in names).encode(
        "utf-8", "surrogateescape"))
    out: list[tuple[bytes, bytes | None]] = []
    pos = 0
    for _ in names:
        end = stream.index(b"\n", pos)
        header, pos = stream[pos:end], end + 1
        if header.endswith((b" missing", b" ambiguous")):
            out.append((b"missing", None))
            continue
        fields = header.split(b" ")
        unfollowed = fields[0] in (b"dangling", b"loop", b"notdir", b"symlink")
        kind, size = (fields[0], int(fields[1])) if unfollowed else (fields[1], int(fields[2]))
        out.append((kind, None if unfollowed else stream[pos:pos + size]))
        pos += size + 1
    return out


def read_linked(root: Path, ref: str, links: list[str]) -> dict[str, bytes]:
    """The contents of the files that the symbolic links ``links`` lead to at
    ``ref``, as the loader reads a link in the working tree: relpath ->
    bytes. A link that leads out of the repository, nowhere or in a loop is
    left out (in the working tree the loader reports such a link)."""
    # One name a line: a name with a line break (FL005 refuses it) is left out.
    links = [path for path in links if "\n" not in path]
    if not links:
        return {}
    answers = _batch(root, [f"{ref}:./{path}" for path in links], follow=True)
    return {path: data for path, (kind, data) in zip(links, answers, strict=True)
            if kind == b"blob" and data is not None}


def read_blobs(root: Path, ref: str, wanted: list[tuple[str, str]]) -> dict[str, bytes]:
    """The contents of the listed files (from :func:`read_listing`): relpath -> bytes."""
    if not wanted:
        return {}
    out: dict[str, bytes] = {}
    for (path, _oid), (_kind, data) in zip(wanted, _batch(root, [oid for _, oid in wanted]),
                                           strict=True):
        if data is None:
            raise GitError(f"--against {ref!r}: the contents of {path} are missing from this "
                           f"clone; {fetch_hint(ref)}")
        out[path] = data
    return out


def read_tree(root: Path, ref: str, config: Config) -> dict[str, bytes]:
    """Every Markdown file under the content folders at ``ref``: relpath -> bytes.

    Raises :class:`GitError` when ``ref`` cannot be read.
    """
    return read_blobs(root, ref, read_listing(root, ref, config))


def blob_id(text: str) -> str | None:
    """The git blob id of ``text`` written as UTF-8 (what ``git hash-object``
    prints for such a file); None for text that has no UTF-8 form."""
    try:
        return _blob_oid(text.encode("utf-8"))
    except UnicodeEncodeError:
        return None


def _blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _before_document(root: Path, relpath: str, data: bytes, config: Config) -> Document:
    doc = Document(path=root / relpath, relpath=relpath, text="")
    text = decode(doc, data)
    if text is not None:
        doc.text = text
        parse_front_matter(doc, text, config)
    return doc


def _lines(doc: Document) -> list[str]:
    # Headings are the template's, the same in every document of a type.
    return [s for line in _norm(doc.body).split("\n")
            if (s := line.strip()) and not s.startswith("#")]


def _body(doc: Document) -> str:
    return _norm(doc.body).strip()


def same_document(before: Document, after: Document, fuzzy: bool = True) -> bool:
    """Whether ``after`` is a version of the document ``before`` (ids aside).

    The same text, the same body or the same title make it one document; a
    different type makes it another; otherwise (with ``fuzzy``) at least half
    of the body's lines, headings aside, must be shared.
    """
    if _same_text(before.text, after.text):
        return True
    if before.type and after.type and before.type != after.type:
        return False
    if _body(before) == _body(after):
        return True
    if before.fm_ok and after.fm_ok and before.title.strip().casefold() \
            == after.title.strip().casefold():
        return True
    if not fuzzy:
        return False
    matcher = difflib.SequenceMatcher(None, _lines(before), _lines(after), autojunk=False)
    return matcher.real_quick_ratio() >= SAME_DOCUMENT_RATIO \
        and matcher.quick_ratio() >= SAME_DOCUMENT_RATIO \
        and matcher.ratio() >= SAME_DOCUMENT_RATIO


@dataclass
class Change:
    """The knowledge base at ``ref`` (``before``) against the working tree (``after``).

    Every after-document that is a version of a before-document is paired with
    it (:meth:`previous`), by id first and by content when the id changed.
    """

    ref: str
    before: list[Document]
    after: list[Document]
    _previous: dict[int, Document] = field(default_factory=dict)
    _next: dict[int, Document] = field(default_factory=dict)
    before_by_id: dict[str, Document] = field(default_factory=dict)
    after_by_id: dict[str, Document] = field(default_factory=dict)
    #: Before-documents with no version in the working tree and whose id is gone.
    deleted: list[Document] = field(default_factory=list)
    #: Paths of working-tree files that cannot be read as documents.
    unreadable: set[str] = field(default_factory=set)

    def previous(self, doc: Document) -> Document | None:
        """The version of ``doc`` at ``ref``, or None for a new document."""
        return self._previous.get(id(doc))

    def successor(self, before: Document) -> Document | None:
        """The working-tree version of the before-document ``before``."""
        return self._next.get(id(before))

    def is_deleted(self, doc: Document) -> bool:
        return any(d is doc for d in self.deleted)

    def changed(self, doc: Document) -> bool:
        """``doc`` has a version at ``ref`` and its text differs from it."""
        prev = self.previous(doc)
        return prev is not None and not _same_text(prev.text, doc.text)

    def swapped_with(self, doc: Document) -> Document | None:
        """The working-tree document that now carries ``doc``'s old id while
        ``doc`` carries its old id (two ids swapped), or None."""
        prev = self.previous(doc)
        if prev is None or not prev.id or not doc.id or prev.id == doc.id:
            return None
        other = self.after_by_id.get(prev.id)
        other_prev = self.previous(other) if other is not None else None
        if other is not None and other_prev is not None and other_prev.id == doc.id:
            return other
        return None

    def _pair(self, before: Document, after: Document) -> None:
        self._previous[id(after)] = before
        self._next[id(before)] = after


def _first_by_id(docs: list[Document]) -> dict[str, Document]:
    out: dict[str, Document] = {}
    for doc in docs:
        if doc.fm_ok and doc.id and doc.id not in out:
            out[doc.id] = doc
    return out


def _title_key(doc: Document) -> tuple[str | None, str]:
    return doc.type, doc.title.strip().casefold()


def _pair_swapped_titles(change: Change, paired: set[int]) -> None:
    """Pair A and B crosswise when A's id is now on the document titled as B
    was, and B's id on the one titled as A was (titles unique on both sides),
    each in the file its title was in: the ids moved, not the titles (two
    titles swapped between files that keep their ids are not a swap)."""
    def unique(docs: list[Document]) -> dict[tuple[str | None, str], Document]:
        seen: dict[tuple[str | None, str], list[Document]] = {}
        for doc in docs:
            if doc.fm_ok and doc.id and doc.title.strip():
                seen.setdefault(_title_key(doc), []).append(doc)
        return {key: docs[0] for key, docs in seen.items() if len(docs) == 1}

    before_titles = unique([d for d in change.before if id(d) not in paired])
    after_titles = unique([d for d in change.after if change.previous(d) is None])
    for key, new in after_titles.items():
        old = before_titles.get(key)
        if old is None or old.id == new.id or id(old) in paired:
            continue
        # ``new`` was ``old`` (its title) and now has the id of ``other_old``.
        other_old = change.before_by_id.get(new.id or "")
        other_new = change.after_by_id.get(old.id or "")
        if other_old is None or other_new is None or id(other_old) in paired \
                or after_titles.get(_title_key(other_old)) is not other_new \
                or old.relpath != new.relpath or other_old.relpath != other_new.relpath:
            continue
        change._pair(old, new)
        change._pair(other_old, other_new)
        paired.update((id(old), id(other_old)))


def compare(ref: str, before: list[Document], after: list[Document]) -> Change:
    """Pair the documents of two trees (see :class:`Change`)."""
    change = Change(ref=ref, before=before, after=after, before_by_id=_first_by_id(before),
                    after_by_id=_first_by_id(after))
    paired: set[int] = set()

    def by_id(fuzzy: bool) -> None:
        for doc in after:
            if change.previous(doc) is not None or not doc.fm_ok:
                continue
            prev = change.before_by_id.get(doc.id or "")
            if prev is not None and id(prev) not in paired and same_document(prev, doc, fuzzy):
                change._pair(prev, doc)
                paired.add(id(prev))

    # 1. The same id and the same title, body or text.
    by_id(fuzzy=False)
    # 2. A body found once on each side, unchanged: the same document whatever
    #    its id (this is how a changed or swapped id is seen).
    before_bodies: dict[str, list[Document]] = {}
    after_bodies: dict[str, list[Document]] = {}
    for doc in before:
        if doc.fm_ok and _body(doc) and id(doc) not in paired:
            before_bodies.setdefault(_body(doc), []).append(doc)
    for doc in after:
        if doc.fm_ok and _body(doc) and change.previous(doc) is None:
            after_bodies.setdefault(_body(doc), []).append(doc)
    for body, olds in before_bodies.items():
        news = after_bodies.get(body, [])
        if len(olds) == 1 and len(news) == 1:
            change._pair(olds[0], news[0])
            paired.add(id(olds[0]))
    # 3. Two ids swapped between documents that look alike (written from one
    #    template, edited in the same change): each title is now under the
    #    other's id. Titles name documents; similar bodies do not.
    _pair_swapped_titles(change, paired)
    # 4. The same id, with at least half of the lines in common.
    by_id(fuzzy=True)
    # 5. The rest by the same path (with similar content), text or title: a
    #    changed id. Never by mere similarity across paths: documents written
    #    from one template look alike.
    lone_after = [d for d in after if change.previous(d) is None]
    lone_before = [d for d in before if id(d) not in paired]
    by_path = {d.relpath: d for d in lone_after}
    by_text = {_norm(d.text): d for d in reversed(lone_after)}
    by_title: dict[tuple[str | None, str], Document] = {}
    for doc in reversed(lone_after):
        if doc.fm_ok:
            by_title[_title_key(doc)] = doc
    taken: set[int] = set()
    pending: list[Document] = []
    for prev in lone_before:
        match = by_path.get(prev.relpath)
        if match is None or id(match) in taken or not same_document(prev, match):
            match = by_text.get(_norm(prev.text))
        if (match is None or id(match) in taken) and prev.fm_ok:
            match = by_title.get(_title_key(prev))
        if match is not None and id(match) not in taken:
            change._pair(prev, match)
            taken.add(id(match))
        else:
            pending.append(prev)
    change.deleted = [d for d in pending
                      if not (d.id and d.id in change.after_by_id)]
    # Still there but no longer readable as a document (front matter broken,
    # file too large): reported as such, not as deleted.
    change.unreadable = {d.relpath for d in after if not d.fm_ok}
    return change


def load_before(kb: KnowledgeBase, ref: str, dirs: list[str] | None = None,
                submodules: list[str] | None = None) -> list[Document]:
    """The documents at ``ref`` (under ``dirs``, by default the content
    folders; the paths of submodules go to ``submodules``). Those whose text
    is a working-tree document's (same blob id: most of them) are that
    already parsed document, moved back where it was if need be; only the
    others are read from git. A symbolic link is the file it leads to."""
    links: list[str] = []
    listing = read_listing(kb.root, ref, kb.config, dirs, links, submodules)
    linked = read_linked(kb.root, ref, links)
    listing += [(relpath, _blob_oid(data)) for relpath, data in linked.items()]
    current = {d.relpath: d for d in kb.documents}
    by_blob: dict[str, Document] = {}
    for doc in kb.documents:
        oid = blob_id(doc.text) if doc.text else None
        if oid is not None:
            by_blob.setdefault(oid, doc)
    unknown = [(relpath, oid) for relpath, oid in listing
               if oid not in by_blob and relpath not in linked]
    files = {**read_blobs(kb.root, ref, unknown), **linked}
    out: list[Document] = []
    for relpath, oid in sorted(listing):
        known = by_blob.get(oid)
        if known is None:
            out.append(_before_document(kb.root, relpath, files[relpath], kb.config))
        elif current.get(relpath) is known:
            out.append(known)
        else:
            same = current.get(relpath)
            out.append(same if same is not None and same.text == known.text else
                       dataclasses.replace(known, relpath=relpath, path=kb.root / relpath))
    return out


def history_rules() -> list[Rule]:
    """The registered rules that compare with a git revision (scope ``history``)."""
    from .rules import REGISTRY

    return [r for r in REGISTRY.values() if r.scope == "history"]


def check_against(kb: KnowledgeBase, ref: str, today: dt.date | None = None,
                  notes: list[str] | None = None) -> list[Problem]:
    """Every history-rule problem of ``kb`` against git revision ``ref``
    (where the branch began: :func:`base_commit`), sorted; what the user
    should know about the comparison is added to ``notes``.

    Raises :class:`GitError` when the revision cannot be read.
    """
    from .linter import _apply, _prepared
    from .rules.base import HistoryContext

    today = today or dt.date.today()
    commit, note = base_commit(kb.root, ref)
    if note is not None and notes is not None:
        notes.append(note)
    dirs = content_dirs_at(kb.root, commit, kb.config)
    submodules: list[str] = []
    change = compare(ref, load_before(kb, commit, dirs, submodules), kb.documents)
    if submodules and notes is not None:
        notes.append(f"not compared with {ref}: the documents in the submodule"
                     f"{'s' if len(submodules) > 1 else ''} {', '.join(submodules)} (their "
                     "history is in another repository; check them there)")
    prepared = _prepared(history_rules(), kb, today, context=HistoryContext, change=change)
    problems = [p for doc in (*kb.documents, *change.deleted)
                for p in _apply(prepared, doc, kb.config)]
    return sorted(set(problems))


#: GitLab code-quality severities of the problem levels.
_SEVERITY = {"error": "major", "warning": "minor"}


def code_quality_report(problems: list[Problem]) -> str:
    """Problems as a GitLab code-quality report (``--format gitlab``): a JSON
    list of issues with description, check name, a fingerprint that stays the
    same while the problem does, severity and location."""
    issues = []
    seen: dict[str, int] = {}
    for p in problems:
        # Not the line: a problem keeps its fingerprint when lines above it move.
        base = f"{p.path}\0{p.rule}\0{p.message}"
        seen[base] = seen.get(base, 0) + 1
        key = f"{base}\0{seen[base]}".encode("utf-8", "surrogateescape")
        issues.append({
            "description": f"{p.rule} {p.message}",
            "check_name": p.rule,
            "fingerprint": hashlib.sha256(key).hexdigest(),
            "severity": _SEVERITY.get(p.level, "info"),
            "location": {"path": p.path, "lines": {"begin": p.line}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2)


def changed_since(doc: Document, ctx: Context) -> tuple[Change, Document] | None:
    """The change and ``doc``'s version at REF, when ``doc`` (with readable
    front matter) changed since REF; None otherwise, and when the rules run
    without ``--against``. The common start of the history rules."""
    change = getattr(ctx, "change", None)
    if change is None or not doc.fm_ok or not change.changed(doc):
        return None
    prev = change.previous(doc)
    assert prev is not None
    return change, prev


def int_value(doc: Document, key: str) -> int | None:
    value = doc.meta.get(key) if doc.fm_ok else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def lifecycle_only(before: Document, after: Document) -> bool:
    """True when an approved document was only retired (superseded or withdrawn)
    or confirmed at review (review_due), with the body and every other field
    unchanged: that needs no new revision."""
    if _norm(before.body) != _norm(after.body):
        return False
    keys = set(before.meta) | set(after.meta)
    changed = {k for k in keys if before.meta.get(k) != after.meta.get(k)}
    if not changed <= LIFECYCLE_KEYS:
        return False
    return "status" not in changed or after.status in ("superseded", "withdrawn")


__all__ = ["CONTROLLED", "Change", "GitError", "base_commit", "check_against",
           "content_dirs_at",
           "code_quality_report", "compare",
           "fetch_hint", "history_rules", "int_value", "lifecycle_only", "load_before",
           "read_blobs", "read_listing", "read_tree", "same_document"]
