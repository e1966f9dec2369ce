"""Revision history from git: real repositories, real commits with fixed dates."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from safetykb import history as hist
from safetykb.history import (
    NOT_A_REPOSITORY,
    SHALLOW,
    atom_feed,
    history_html,
    kb_history,
    recent_marker_html,
    recently_changed,
    what_changed_html,
)

BASE_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
ATOM = "{http://www.w3.org/2005/Atom}"
EVIL = '<script>alert(1)</script> | [click](javascript:alert(2)) & "quoted"'


def git(repo: Path, *args: str, author: str = "Safety Engineer",
        date: str = "2026-01-05T10:00:00+00:00") -> str:
    env = {**BASE_ENV, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "a@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def commit(repo: Path, message: str, date: str, author: str = "Safety Engineer") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date, author=author)


def doc(doc_id: str, revision: int, status: str, note: str = "", title: str = "Reporting",
        approved_by: str = "Plant Manager", effective: str = "2026-01-10",
        body: str = "Report hidden dangers.") -> str:
    lines = ["---", f"id: {doc_id}", f"title: {title}", "type: procedure",
             f"revision: {revision}", f"status: {status}", "owner: Safety Department"]
    if status == "approved":
        lines += [f"approved_by: {approved_by}", f"effective: {effective}",
                  "review_due: 2028-01-01"]
    if note:
        # A folded scalar over two lines: parsed as YAML, not line by line.
        lines += ["change_note: >-", f"  {note}", "  (second line)"]
    return "\n".join(lines) + f"\n---\n\n## Purpose\n\n{body}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Four commits: a draft, its approval, revision 2 (moved to another
    folder, with hostile text), a second document; plus one deleted."""
    repo = tmp_path / "kb"
    (repo / "procedures/hd").mkdir(parents=True)
    (repo / "safetykb.yml").write_text("extends: default\n", "utf-8")
    git(repo, "init", "-q", "-b", "main")
    a = repo / "procedures/hd/proc-hd-001.md"
    a.write_text(doc("PROC-HD-001", 1, "draft"), "utf-8")
    (repo / "procedures/hd/gone.md").write_text(doc("PROC-HD-009", 1, "draft"), "utf-8")
    commit(repo, "draft", "2026-01-02T09:00:00+00:00")
    a.write_text(doc("PROC-HD-001", 1, "approved"), "utf-8")
    commit(repo, "approve", "2026-01-05T10:00:00+00:00", author="Reviewer")
    a.write_text(doc("PROC-HD-001", 1, "approved", body="Report hidden dangers now."), "utf-8")
    commit(repo, "typo in rev 1", "2026-01-20T10:00:00+00:00")
    (repo / "procedures/reporting").mkdir()
    git(repo, "mv", "procedures/hd/proc-hd-001.md", "procedures/reporting/hd 001 \u00e9.md")
    git(repo, "rm", "-q", "procedures/hd/gone.md")
    moved = repo / "procedures/reporting/hd 001 \u00e9.md"
    moved.write_text(doc("PROC-HD-001", 2, "approved", note=EVIL, approved_by=EVIL,
                         effective="2026-03-01", title="Reporting <b>now</b>"), "utf-8")
    commit(repo, "revision 2", "2026-02-27T16:30:00+00:00")
    (repo / "procedures/hd").mkdir(exist_ok=True)
    (repo / "procedures/hd/proc-hd-002.md").write_text(
        doc("PROC-HD-002", 1, "approved", title="Permit | work"), "utf-8")
    commit(repo, "second document", "2026-03-02T08:00:00+00:00")
    return repo


def test_history_of_each_document(repo: Path) -> None:
    history = kb_history(repo)
    assert history.note == ""
    assert set(history) == {"procedures/reporting/hd 001 \u00e9.md", "procedures/hd/proc-hd-002.md"}
    revs = history["procedures/reporting/hd 001 \u00e9.md"]
    assert [(r.revision, r.status, r.date) for r in revs] == [
        (2, "approved", "2026-02-27"), (1, "approved", "2026-01-05")]
    assert revs[0].change_note == EVIL + " (second line)"
    assert revs[0].approved_by == EVIL
    assert revs[0].effective == "2026-03-01"
    assert revs[1].approved_by == "Plant Manager"
    # Revision 1 dates from its approval, not from the later typo fix.
    assert revs[1].commit == git(repo, "rev-parse", "--short", "HEAD~3").strip()
    assert revs[0].commit_full == git(repo, "rev-parse", "HEAD~1").strip()
    assert history.last_changed == {"procedures/reporting/hd 001 \u00e9.md": "2026-02-27",
                                    "procedures/hd/proc-hd-002.md": "2026-03-02"}


def test_one_git_log_per_head(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real = hist._git

    def counting(root: Path, args: list[str]) -> str | None:
        calls.append(args)
        return real(root, args)

    monkeypatch.setattr(hist, "_git", counting)
    first = kb_history(repo)
    assert kb_history(repo) is first
    assert sum("log" in c for c in calls) == 1
    (repo / "procedures/hd/proc-hd-002.md").write_text(
        doc("PROC-HD-002", 2, "approved", note="Second revision.", effective="2026-04-01"),
        "utf-8")
    commit(repo, "rev 2 of the second", "2026-04-01T08:00:00+00:00")
    second = kb_history(repo)
    assert sum("log" in c for c in calls) == 2
    assert second["procedures/hd/proc-hd-002.md"][0].revision == 2


def test_not_a_repository_and_shallow_clone(repo: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "safetykb.yml").write_text("extends: default\n", "utf-8")
    env_ceiling = str(tmp_path)
    os.environ["GIT_CEILING_DIRECTORIES"] = env_ceiling
    try:
        none = kb_history(plain)
    finally:
        del os.environ["GIT_CEILING_DIRECTORIES"]
    assert dict(none) == {} and none.note == NOT_A_REPOSITORY
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", repo.as_uri(), str(shallow))
    cut = kb_history(shallow)
    assert dict(cut) == {} and cut.note == SHALLOW
    assert "shallow clone" in history_html([], note=cut.note)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_history_html_is_escaped_and_collapsed(repo: Path) -> None:
    revs = kb_history(repo)["procedures/reporting/hd 001 \u00e9.md"]
    out = history_html(revs, repo_url="https://git.example.org/plant/kb")
    parsed = _Collect()
    parsed.feed(out)
    assert parsed.tags[0] == "details" and "open" not in out.split(">", 1)[0]
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert EVIL + " (second line)" in "".join(parsed.text)
    assert parsed.hrefs == [f"https://git.example.org/plant/kb/commit/{r.commit_full}"
                            for r in revs]
    assert "Revision history (2)" in out
    # A repository address that is not http(s) gives no link at all.
    assert "href" not in history_html(revs, repo_url="javascript:alert(1)//")
    zh = history_html(revs, lang="zh")
    assert "修订历史" in zh and "href" not in zh


def test_recent_marker_and_set(repo: Path) -> None:
    history = kb_history(repo)
    revs = history["procedures/hd/proc-hd-002.md"]
    assert recently_changed(history, dt.date(2026, 3, 20)) == {
        "procedures/hd/proc-hd-002.md", "procedures/reporting/hd 001 \u00e9.md"}
    assert recently_changed(history, dt.date(2026, 3, 30)) == {"procedures/hd/proc-hd-002.md"}
    assert recently_changed(history, dt.date(2026, 5, 1)) == set()
    assert "Changed in the last 30 days" in recent_marker_html(revs, dt.date(2026, 3, 31))
    assert recent_marker_html(revs, dt.date(2026, 4, 2)) == ""


def test_what_changed_page(repo: Path) -> None:
    html_out = what_changed_html(kb_history(repo), limit=2,
                                 link=lambda path: "../" + path.replace(" ", "%20"))
    parsed = _Collect()
    parsed.feed(html_out)
    rows = re.findall(r"<tr>(.*?)</tr>", html_out, re.S)
    assert len(rows) == 3, html_out  # header + the last 2 approved revisions
    assert "PROC-HD-002" in rows[1] and "PROC-HD-001" in rows[2]
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert not any(h.startswith("javascript") for h in parsed.hrefs), parsed.hrefs
    assert "../procedures/hd/proc-hd-002.md" in parsed.hrefs
    text = "".join(parsed.text)
    assert EVIL + " (second line)" in text
    assert "Permit | work" in text and "Reporting <b>now</b>" in text
    # Five cells a row, each with its column's class (the phone's cards).
    cells = re.findall(r'<td class="skb-col-(\w+)"', rows[2])
    assert cells == ["date", "id", "title", "revision", "note"], rows[2]
    assert 'class="skb-doctable skb-changes"' in html_out
    only = what_changed_html(kb_history(repo), only={"procedures/hd/proc-hd-002.md"})
    assert "PROC-HD-002" in only and "PROC-HD-001" not in only


def test_atom_feed_is_valid_atom(repo: Path) -> None:
    feed_xml = atom_feed(kb_history(repo), "https://kb.example.org/",
                         link=lambda path: "https://kb.example.org/" + path,
                         feed_url="https://kb.example.org/feed.xml")
    root = ET.fromstring(feed_xml.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 3
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}"), required
        dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
    assert root.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    newest_rev1 = entries[0]
    assert newest_rev1.findtext(f"{ATOM}title") == "PROC-HD-002 rev. 1: Permit | work"
    rev2 = entries[1]
    assert rev2.findtext(f"{ATOM}summary") == EVIL + " (second line)"
    assert "<script>" not in feed_xml  # escaped in the XML text


def test_control_characters_do_not_break_the_feed(tmp_path: Path) -> None:
    history = hist.History()
    history["a.md"] = [hist.Revision(1, "2026-01-01", "2026-01-01T00:00:00+00:00", "approved",
                                     "bell\x07 here", "x", "", "abc1234", "abc1234" * 5 + "ab",
                                     "x", "PROC-A-001", "T\x0bitle")]
    ET.fromstring(atom_feed(history, "").encode("utf-8"))


def test_history_of_many_documents_from_one_log(tmp_path: Path) -> None:
    """Every document's revisions from one pass over git log (the time is
    measured in benchmarks/run.py --only history, not asserted here)."""
    from safetykb.synth import generate

    repo = tmp_path / "big"
    paths = generate(repo, 300)
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "base", "2026-01-01T00:00:00+00:00")
    for round_, date in enumerate(("2026-02-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00")):
        for path in paths[round_::3]:
            text = path.read_text("utf-8")
            text = re.sub(r"^revision: (\d+)$", lambda m: f"revision: {int(m.group(1)) + 1}",
                          text, count=1, flags=re.M)
            path.write_text(text + "\nOne more line.\n", "utf-8")
        commit(repo, f"round {round_}", date)
    history = kb_history(repo)
    assert len(history.last_changed) == 300
    assert sum(len(r) for r in history.values()) >= 300 + 2 * 100


def test_register_carries_the_last_change_date(repo: Path) -> None:
    import csv
    import io
    import json
    import sys

    def register(fmt: str) -> str:
        result = subprocess.run([sys.executable, "-m", "safetykb.cli", "register", "--root",
                                 str(repo), "--format", fmt, "--all"], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    rows = {r["id"]: r for r in json.loads(register("json"))}
    assert rows["PROC-HD-001"]["last_changed"] == "2026-02-27"
    assert rows["PROC-HD-002"]["last_changed"] == "2026-03-02"
    table = {r["id"]: r for r in csv.DictReader(io.StringIO(register("csv"), newline=""))}
    assert table["PROC-HD-001"]["last_changed"] == "2026-02-27"


def test_a_merged_pull_request_dates_from_the_merge(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "pr")
    path = repo / "procedures/hd/proc-hd-002.md"
    path.write_text(doc("PROC-HD-002", 2, "draft", note="Drafted."), "utf-8")
    commit(repo, "draft rev 2", "2026-04-01T08:00:00+00:00")
    path.write_text(doc("PROC-HD-002", 2, "approved", note="Approved rev 2.",
                        effective="2026-04-20"), "utf-8")
    commit(repo, "approve rev 2", "2026-04-02T08:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request", "pr",
        date="2026-04-10T12:00:00+00:00")
    revs = kb_history(repo)["procedures/hd/proc-hd-002.md"]
    assert [(r.revision, r.status, r.date) for r in revs] == [
        (2, "approved", "2026-04-10"), (1, "approved", "2026-03-02")]
    assert revs[0].change_note == "Approved rev 2. (second line)"
    assert revs[0].commit_full == git(repo, "rev-parse", "HEAD").strip()


def test_no_history_note_is_in_the_page_language() -> None:
    from safetykb.history import history_html

    zh = history_html([], lang="zh", note=NOT_A_REPOSITORY)
    assert "修订历史" in zh and "git" in zh and "Revision" not in zh
    assert "shallow clone" in history_html([], lang="en", note=SHALLOW)
    assert "fetch-depth" not in history_html([], lang="en", note=SHALLOW)
