"""Revision history of every document, from one pass over ``git log``.

:func:`kb_history` runs a single ``git log -p`` over the content folders
(oldest commit first, renames followed) and reads, for every commit that
touched a document's front matter, the values it had then: revision, status,
change note, approver, effective date. Only the main line counts (the
first parent of each merge, diffed against it): a revision dates from when it
reached the branch the site is built from, not from a commit on a side branch.
The result is kept per ``HEAD``, so a
live preview that rebuilds on every save runs git once per commit, not once
per build.

The rest turns a history into outputs, without reading files or running git:
an HTML ``<details>`` block for a document page (:func:`history_html`), the
"What changed" page (:func:`what_changed_html`), an Atom feed of it
(:func:`atom_feed`) and the "changed in the last 30 days" marker
(:func:`recently_changed`). Every value that comes from a document or a
commit is escaped: authors are not trusted.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .links import upcoming_uri
from .loader import _Loader
from .register import md_cell
from .schema import parse_date

#: Lines of context around each change: enough for the whole front matter to
#: stand in the first hunk whenever a field in it changed.
CONTEXT_LINES = 60
_SEP = "\x1f"
_COMMIT = "\x1e"
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!~<>])")


@dataclass(frozen=True)
class Revision:
    """One revision of one document, as git recorded it.

    ``date`` and ``when`` are those of the commit that first recorded the
    revision as approved (or, for a revision never approved, of its latest
    commit); the other values are the revision's latest.
    """

    revision: int | None
    date: str
    when: str
    status: str
    change_note: str
    approved_by: str
    effective: str
    commit: str
    commit_full: str
    author: str
    id: str
    title: str


class History(dict[str, list[Revision]]):
    """Document path (relative to the knowledge base) -> revisions, newest first.

    ``note`` says why there is no history (not a git repository, a shallow
    clone); ``last_changed`` maps each path to the date of the last commit
    that touched the file.
    """

    def __init__(self, note: str = "") -> None:
        super().__init__()
        self.note = note
        self.last_changed: dict[str, str] = {}
        #: The commit it was read at ("" without history).
        self.head = ""


NOT_A_REPOSITORY = ("Revision history is not available: the knowledge base is not in a git "
                    "repository (or has no commit yet).")
SHALLOW = ("Revision history is not available: this is a shallow clone. Clone with the full "
           "history (in CI: fetch-depth: 0) to show it.")

_CACHE: dict[tuple[str, str, tuple[str, ...]], History] = {}


def _git(root: Path, args: list[str]) -> str | None:
    try:
        result = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=root,
                                capture_output=True, check=False)
    except FileNotFoundError:
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace")


def unquote_path(text: str) -> str:
    """A path as git prints it: C-quoted (``"a\\"b\\303\\251"``) when it holds
    special characters, else as is."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        raw = text[1:-1].encode("utf-8").decode("unicode_escape")
        return raw.encode("latin-1").decode("utf-8", "replace")
    return text


def _side(line: str, prefix: str) -> str | None:
    """The path of a ``--- a/...`` or ``+++ b/...`` line; None for /dev/null."""
    name = line[4:].rstrip("\t")
    if name == "/dev/null":
        return None
    name = unquote_path(name)
    return name[len(prefix):] if name.startswith(prefix) else name


_WANTED = ("id", "title", "revision", "status", "approved_by", "effective", "change_note")
_KEY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]+(.*?))?[ \t]*$")
_PLAIN = re.compile(r"^[^'\"\[\]{}>|&*!%@`#,?:\-\s][^#]*$")
_NULLS = ("~", "null", "Null", "NULL")


def _yaml_value(text: str) -> Any:
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None
    finally:
        loader.dispose()
    return next(iter(data.values()), None) if isinstance(data, dict) and len(data) == 1 else None


def _front_matter(lines: list[str]) -> dict[str, Any] | None:
    """The fields a history needs, from the lines of a front matter (without
    the ``---`` lines). Plain one-line values are read directly; anything
    else (quotes, block scalars, flow lists) by YAML, one field at a time."""
    meta: dict[str, Any] = {}
    i = 0
    while i < len(lines):
        match = _KEY_LINE.match(lines[i])
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or lines[j][:1] in (" ", "\t")):
            j += 1
        if match and match.group(1) in _WANTED:
            key, value = match.group(1), match.group(2) or ""
            if j == i + 1 and value and _PLAIN.match(value) and ": " not in value:
                meta[key] = None if value in _NULLS else \
                    (int(value) if value.isdigit() else value)
            elif value or j > i + 1:
                meta[key] = _yaml_value("\n".join(lines[i:j]))
        i = j
    return meta


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value).strip()


@dataclass
class _File:
    revisions: dict[int | None, Revision] = field(default_factory=dict)
    approved: set[int | None] = field(default_factory=set)
    last: str = ""
    doc_id: str = ""


def _record(state: _File, meta: dict[str, Any], commit: tuple[str, str, str, str]) -> None:
    full, short, when, author = commit
    value = meta.get("revision")
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    status = _text(meta.get("status"))
    earlier = state.revisions.get(number)
    keep = earlier if earlier is not None and number in state.approved else None
    state.revisions[number] = Revision(
        revision=number, date=keep.date if keep else when[:10], when=keep.when if keep else when,
        status=status, change_note=_text(meta.get("change_note")),
        approved_by=_text(meta.get("approved_by")), effective=_text(meta.get("effective")),
        commit=keep.commit if keep else short, commit_full=keep.commit_full if keep else full,
        author=author, id=_text(meta.get("id")), title=_text(meta.get("title")))
    if status == "approved":
        state.approved.add(number)
    state.doc_id = _text(meta.get("id")) or state.doc_id


#: Lines of a file's diff read at most: its header and the front matter.
_SECTION_LINES = 12 + CONTEXT_LINES * 2


def _section(text: str) -> tuple[str | None, str | None, list[str] | None]:
    """(old path, new path, front-matter lines of the new side or None) of one
    file's diff, reading only its first lines."""
    lines = text.split("\n", _SECTION_LINES)
    old = new = None
    i = 1  # lines[0] is the rest of "diff --git a/... b/..."
    while i < len(lines) and not lines[i].startswith("@@"):
        line = lines[i]
        if line.startswith("--- "):
            old = _side(line, "a/")
        elif line.startswith("+++ "):
            new = _side(line, "b/")
        elif line.startswith("rename from "):
            old = unquote_path(line[12:])
        elif line.startswith("rename to "):
            new = unquote_path(line[10:])
        elif line.startswith("deleted file mode"):
            new = None
        i += 1
    if i < len(lines) and (hunk := _HUNK.match(lines[i])) and hunk.group(1) in ("0", "1"):
        body = [line[1:] for line in lines[i + 1:] if line[:1] in (" ", "+")]
        if body and body[0].rstrip() == "---":
            for end in range(1, len(body)):
                if body[end].rstrip() in ("---", "..."):
                    return old, new, body[1:end]
    return old, new, None


def parse_log(output: str) -> History:
    """A :class:`History` from the output of the ``git log`` that
    :func:`kb_history` runs (exposed for tests).

    Only the first lines of each file's diff are read (its header and front
    matter), so the time is in the number of file changes, not their size.
    """
    files: dict[str, _File] = {}
    #: Histories of deleted files by document id: a file deleted and added
    #: elsewhere with the same id (a move git did not see as a rename, as
    #: when the file changed a lot) keeps its history.
    deleted: dict[str, _File] = {}
    for chunk in output.split(_COMMIT):
        head, _, diffs = chunk.partition("\n")
        parts = head.split(_SEP)
        if len(parts) != 4:
            continue
        commit = (parts[0], parts[1], parts[2], parts[3])
        sections = [_section(s) for s in ("\n" + diffs).split("\ndiff --git ")[1:]]
        for old, new, _fm in sections:
            gone = files.pop(old, None) if new is None and old is not None else None
            if gone is not None and gone.doc_id:
                deleted[gone.doc_id] = gone
        for old, new, fm in sections:
            if new is None:
                continue
            meta = _front_matter(fm) if fm is not None else None
            state = files.pop(old, None) if old is not None and old != new else None
            if state is None and old is None and new not in files and meta:
                state = deleted.pop(_text(meta.get("id")), None)
            state = state or files.get(new) or _File()
            files[new] = state
            state.last = commit[2][:10]
            if meta is not None:
                _record(state, meta, commit)
    history = History()
    for path, state in files.items():
        if state.revisions:
            history[path] = list(reversed(state.revisions.values()))
        history.last_changed[path] = state.last
    return history


def git_state(root: Path) -> tuple[str | None, str]:
    """Why git has no history of ``root`` (:data:`NOT_A_REPOSITORY`,
    :data:`SHALLOW`; None when it has), and the ``HEAD`` commit."""
    state = _git(root, ["rev-parse", "--is-shallow-repository", "HEAD"])
    if state is None:
        return NOT_A_REPOSITORY, ""
    shallow, _, head = state.strip().partition("\n")
    return (SHALLOW if shallow.strip() == "true" else None), head.strip()


def kb_history(root: Path, content_dirs: Iterable[str] | None = None) -> History:
    """Every document's revisions from git, newest first, keyed by path
    relative to ``root``; empty with a ``note`` when ``root`` is not in a git
    repository or is a shallow clone. Kept per ``HEAD`` commit."""
    if content_dirs is None:
        from .config import ConfigError, load_config

        try:
            content_dirs = load_config(root).content_dirs
        except ConfigError as exc:
            return History(f"Revision history is not available: {exc}")
    dirs = tuple(content_dirs) or (".",)
    missing, head = git_state(root)
    if missing:
        return History(missing)
    key = (str(root.resolve()), head, dirs)
    if key in _CACHE:
        return _CACHE[key]
    output = _git(root, [
        "--literal-pathspecs", "log", "--reverse", "--first-parent",
        "--diff-merges=first-parent", "-M", "--relative", "-p", "--no-color",
        "--no-ext-diff", "--no-textconv", f"-U{CONTEXT_LINES}", "--src-prefix=a/",
        "--dst-prefix=b/", f"--format={_COMMIT}%H{_SEP}%h{_SEP}%cI{_SEP}%an", "--", *dirs])
    if output is None:
        return History(NOT_A_REPOSITORY)
    history = parse_log(output)
    history.head = head
    _CACHE.clear()  # one HEAD at a time: a long preview session does not grow
    _CACHE[key] = history
    return history


def last_approved(revisions: list[Revision]) -> Revision | None:
    """The newest approved revision in ``revisions`` (newest first)."""
    return next((r for r in revisions if r.status == "approved"), None)


def recently_changed(history: History, today: dt.date, days: int = 30) -> set[str]:
    """Paths whose newest approved revision was recorded in the last ``days`` days
    (for the "changed in the last 30 days" marker)."""
    since = today - dt.timedelta(days=days)
    out = set()
    for path, revisions in history.items():
        latest = last_approved(revisions)
        if latest is not None and dt.date.fromisoformat(latest.date) >= since:
            out.add(path)
    return out


# --- outputs ---------------------------------------------------------------

_LABELS = {
    "en": {"summary": "Revision history", "date": "Date", "revision": "Rev.",
           "status": "Status", "note": "Change note", "approved_by": "Approved by",
           "commit": "Commit", "recent": "Changed in the last {days} days",
           "title": "What changed", "id": "Id", "doc_title": "Title",
           "intro": "The last {n} approved revisions, newest first.",
           "none": "No approved revision yet.",
           "takes_effect": "Takes effect on {date}.",
           NOT_A_REPOSITORY: "No revision history on this copy of the site: it was built "
                             "without the knowledge base's git history.",
           SHALLOW: "No revision history on this copy of the site: it was built from a "
                    "shallow clone, without the full git history."},
    "zh": {"summary": "修订历史", "date": "日期", "revision": "修订", "status": "状态",
           "note": "变更说明", "approved_by": "批准人", "commit": "提交",
           "recent": "最近 {days} 天内有变更", "title": "最近变更", "id": "编号",
           "doc_title": "标题", "intro": "最近 {n} 次批准的修订，按时间倒序。",
           "none": "尚无批准的修订。",
           "takes_effect": "自 {date} 起生效。",
           NOT_A_REPOSITORY: "本网站副本不显示修订历史：构建时没有知识库的 git 历史。",
           SHALLOW: "本网站副本不显示修订历史：构建自浅克隆，没有完整的 git 历史。"},
}


def _labels(lang: str) -> dict[str, str]:
    return _LABELS.get(lang, _LABELS["en"])


def reader_note(note: str, lang: str = "en") -> str:
    """``note`` (why there is no history) as the readers of a page in ``lang``
    read it; the build's own wording (with what to do) is for its log."""
    return _labels(lang).get(note, note) if note else ""


def commit_url(repo_url: str | None, commit: str) -> str | None:
    """Link to ``commit`` on the git server (``repo_url`` + ``/commit/<sha>``, as
    GitHub and GitLab use); None unless ``repo_url`` is an http(s) address."""
    if not repo_url or not re.match(r"^https?://[^\s\"'<>]+$", repo_url) \
            or not re.fullmatch(r"[0-9a-f]{4,64}", commit):
        return None
    return f"{repo_url.rstrip('/')}/commit/{commit}"


def history_html(revisions: list[Revision], repo_url: str | None = None, lang: str = "en",
                 note: str = "", today: dt.date | None = None) -> str:
    """The revision history of one document as a collapsed ``<details>`` block:
    date, revision, status, change note, approver and short commit (a link to
    ``repo_url``'s commit page when given), newest first; a revision approved
    to take effect after ``today`` says when (the date shown is when it was
    approved). With no revisions, a paragraph with ``note`` (or nothing)."""
    esc = html.escape
    labels = _labels(lang)
    if not revisions:
        note = reader_note(note, lang)
        return f'<p class="skb-history-note">{esc(note)}</p>' if note else ""
    rows = []
    for r in revisions:
        url = commit_url(repo_url, r.commit_full)
        commit = (f'<a href="{esc(url)}"><code>{esc(r.commit)}</code></a>' if url
                  else f"<code>{esc(r.commit)}</code>")
        later = (f' <strong class="skb-takes-effect">'
                 f'{esc(labels["takes_effect"].format(date=r.effective))}</strong>'
                 if approved_ahead(r, today) else "")
        rows.append(
            f"<tr><td>{esc(r.date)}</td><td>{esc('' if r.revision is None else str(r.revision))}"
            f"</td><td>{esc(r.status)}</td><td>{esc(r.change_note)}{later}</td>"
            f"<td>{esc(r.approved_by)}</td><td>{commit}</td></tr>")
    head = "".join(f"<th>{esc(labels[k])}</th>"
                   for k in ("date", "revision", "status", "note", "approved_by", "commit"))
    return (f'<details class="skb-history"><summary>{esc(labels["summary"])} '
            f"({len(revisions)})</summary>\n<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody>\n</table>\n</details>")


def recent_marker_html(revisions: list[Revision], today: dt.date, days: int = 30,
                       lang: str = "en") -> str:
    """A "changed in the last 30 days" badge when the newest approved revision
    is that recent; else the empty string."""
    latest = last_approved(revisions)
    if latest is None or dt.date.fromisoformat(latest.date) < today - dt.timedelta(days=days):
        return ""
    text = _labels(lang)["recent"].format(days=days)
    return (f'<span class="skb-recent" title="{html.escape(latest.date)}">'
            f"{html.escape(text)}</span>")


def md_text(value: object) -> str:
    """``value`` as literal text in one Markdown table cell: HTML escaped,
    Markdown punctuation backslash-escaped (no links, no emphasis), pipes and
    newlines made safe by :func:`~safetykb.register.md_cell`."""
    text = html.escape(" ".join(str(value).split()), quote=False)
    return md_cell(_MD_SPECIAL.sub(r"\\\1", text))


def latest_changes(history: History, limit: int = 50,
                   only: Collection[str] | None = None) -> list[tuple[str, Revision]]:
    """The last ``limit`` approved revisions of the whole knowledge base (or
    of the paths in ``only``, e.g. the published pages), newest first, as
    (path, revision)."""
    entries = [(path, r) for path, revisions in history.items() for r in revisions
               if r.status == "approved" and (only is None or path in only)]
    entries.sort(key=lambda e: (e[1].when, e[1].id, e[1].revision or 0), reverse=True)
    return entries[:limit]


def approved_ahead(revision: Revision, today: dt.date | None) -> bool:
    """True when ``revision`` was approved to take effect after ``today``."""
    effective = parse_date(revision.effective)
    return today is not None and effective is not None and effective > today


def what_changed_html(history: History, limit: int = 50, lang: str = "en",
                      link: Callable[[str], str | None] | None = None,
                      only: Collection[str] | None = None,
                      today: dt.date | None = None) -> str:
    """The "What changed" page: the last ``limit`` approved revisions (date,
    id, title, revision, change note), newest first, as escaped HTML: a
    table of documents (class ``skb-doctable skb-changes``), which a phone
    shows as cards like the register's. ``link`` maps a document path to
    the URL of its page (relative to this page) to link the title. A
    revision whose ``effective`` date is after ``today`` says when it takes
    effect."""
    esc = html.escape
    labels = _labels(lang)
    entries = latest_changes(history, limit, only)
    out = [f"<h1>{esc(labels['title'])}</h1>",
           f"<p>{esc(labels['intro'].format(n=limit))}</p>"]
    if history.note:
        out.append(f'<p class="skb-history-note">{esc(reader_note(history.note, lang))}</p>')
    columns = (("date", labels["date"]), ("id", labels["id"]), ("title", labels["doc_title"]),
               ("revision", labels["revision"]), ("note", labels["note"]))
    head = " ".join(f'<th scope="col" class="skb-col-{key}">{esc(name)}</th>'
                   for key, name in columns)
    rows = []
    for path, r in entries:
        later = approved_ahead(r, today)
        # A revision not in force yet links to its own page, beside the one in force.
        url = link(upcoming_uri(path) if later else path) if link else None
        title = f'<a href="{esc(url)}">{esc(r.title)}</a>' if url else esc(r.title)
        cells = {"date": esc(r.date), "id": esc(r.id), "title": title,
                 "revision": esc("" if r.revision is None else str(r.revision)),
                 "note": esc(r.change_note)}
        if later:
            notice = labels["takes_effect"].format(date=r.effective)
            cells["note"] += f' <strong class="skb-takes-effect">{esc(notice)}</strong>'

        rows.append("<tr>" + " ".join(
            f'<td class="skb-col-{key}" data-label="{esc(name)}">{cells[key]}</td>'
            for key, name in columns) + "</tr>")
    if not rows:
        rows = [f'<tr><td colspan="{len(columns)}">{esc(labels["none"])}</td></tr>']
    out.append(f'<table class="skb-doctable skb-changes"><thead><tr>{head}</tr></thead>\n'
               "<tbody>\n" + "\n".join(rows) + "\n</tbody></table>")
    return "\n".join(out) + "\n"


def _xml(value: str) -> str:
    return _XML_INVALID.sub("", value)


def atom_feed(history: History, site_url: str, title: str = "What changed",
              limit: int = 50, link: Callable[[str], str | None] | None = None,
              feed_url: str | None = None, only: Collection[str] | None = None,
              today: dt.date | None = None, lang: str = "en") -> str:
    """An Atom 1.0 feed (RFC 4287) of :func:`latest_changes`, as UTF-8 XML text.

    ``site_url`` is the site's address (the feed's id and link); ``link``
    maps a document path to the absolute URL of its page. Every entry has a
    stable id (document id, revision and commit), a title, the commit time as
    ``updated`` and the change note as its summary.
    """
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)

    def sub(parent: ET.Element, tag: str, text: str | None = None,
            **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ns}}}{tag}", {k: _xml(v) for k, v in attrs.items()})
        if text is not None:
            element.text = _xml(text)
        return element

    entries = latest_changes(history, limit, only)
    base = site_url.rstrip("/") + "/" if site_url else "urn:safetykb:"
    feed = ET.Element(f"{{{ns}}}feed")
    sub(feed, "id", feed_url or base)
    sub(feed, "title", title)
    sub(feed, "updated", entries[0][1].when if entries else "1970-01-01T00:00:00Z")
    author = sub(feed, "author")
    sub(author, "name", "safetykb")
    if site_url:
        sub(feed, "link", href=base)
    if feed_url:
        sub(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    sub(feed, "generator", "safetykb")
    for path, r in entries:
        entry = sub(feed, "entry")
        rev = "" if r.revision is None else f" rev. {r.revision}"
        sub(entry, "id", f"urn:safetykb:{r.id or path}:{r.revision}:{r.commit_full}")
        sub(entry, "title", f"{r.id}{rev}: {r.title}")
        sub(entry, "updated", r.when)
        later = approved_ahead(r, today)
        url = link(upcoming_uri(path) if later else path) if link else None
        if url:
            sub(entry, "link", href=url)
        if r.approved_by:
            sub(sub(entry, "author"), "name", r.approved_by)
        summary = r.change_note or r.title
        if later:
            summary += " " + _labels(lang)["takes_effect"].format(date=r.effective)
        sub(entry, "summary", summary)
    ET.indent(feed)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            + ET.tostring(feed, encoding="unicode") + "\n")


__all__ = ["NOT_A_REPOSITORY", "SHALLOW", "History", "Revision", "atom_feed", "commit_url",
           "history_html", "kb_history", "last_approved", "latest_changes", "md_text",
           "parse_log", "recent_marker_html", "recently_changed", "unquote_path",
           "what_changed_html"]
