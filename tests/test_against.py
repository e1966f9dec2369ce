"""``safetykb check --against REF`` on real git repositories with real commits.

Each folder ``tests/fixtures/against/<case>/`` holds the knowledge base as it
was at the base (``before/``) and as the change leaves it (``after/``). The
test commits ``before`` on ``main``, commits ``after`` on a branch and checks
the branch against ``main``: the history rules (GC…) must report exactly the
lines marked ``{RULE-ID}`` in ``after/`` (and, for deleted files, the lines in
``after/expected.txt``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, TODAY, materialise
from safetykb.config import load_config
from safetykb.gitcontrol import GitError, check_against, history_rules
from safetykb.loader import load_kb
from safetykb.rules import default_levels

AGAINST = FIXTURES / "against"
CASES = sorted(p for p in AGAINST.iterdir() if p.is_dir())
ENV = {**os.environ, "GIT_AUTHOR_NAME": "Safety Engineer", "GIT_AUTHOR_EMAIL": "se@example.org",
       "GIT_COMMITTER_NAME": "Safety Engineer", "GIT_COMMITTER_EMAIL": "se@example.org",
       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, env=ENV, capture_output=True, text=True)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def init_repo(repo: Path) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


def branch_from(tmp_path: Path, case: str, config: str | None = None) -> Path:
    """A repository whose main holds ``case``'s before tree (with ``config``
    as safetykb.yml), checked out on a new branch ``change``."""
    repo = tmp_path / "kb"
    init_repo(repo)
    replace_tree(repo, AGAINST / case / "before")
    if config is not None:
        (repo / "safetykb.yml").write_text(config, "utf-8")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "change")
    return repo


def replace_tree(repo: Path, source: Path) -> set[tuple[str, int, str]]:
    """Make the work tree of ``repo`` hold exactly the (unmarked) files of ``source``."""
    for entry in repo.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    return materialise(source, repo)


def safetykb(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "safetykb.cli", *args], cwd=cwd,
                          capture_output=True, text=True, env=ENV)


def history_problems(root: Path, ref: str = "main") -> set[tuple[str, int, str]]:
    kb = load_kb(root, load_config(root, default_levels()))
    return {(p.path, p.line, p.rule) for p in check_against(kb, ref, TODAY)}


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_case(case: Path, tmp_path: Path) -> None:
    repo = tmp_path / "kb"
    init_repo(repo)
    replace_tree(repo, case / "before")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "change")
    expected = replace_tree(repo, case / "after")
    commit_all(repo, "the change")
    found = history_problems(repo)
    assert found == expected, (
        f"\nmissing: {sorted(expected - found)}\nunexpected: {sorted(found - expected)}")


def test_every_history_rule_has_a_failing_case() -> None:
    from conftest import expected_rules

    marked = set().union(*(expected_rules(case / "after") for case in CASES))
    missing = sorted({r.id for r in history_rules()} - marked)
    assert not missing, f"history rules with no failing case: {missing}"


def test_history_rules_do_not_run_without_against(tmp_path: Path) -> None:
    repo = tmp_path / "kb"
    init_repo(repo)
    replace_tree(repo, AGAINST / "GC001-body-changed" / "before")
    commit_all(repo, "base")
    replace_tree(repo, AGAINST / "GC001-body-changed" / "after")
    result = safetykb("check", "--today", TODAY.isoformat(), cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "GC001" not in result.stdout


def test_cli_reports_the_rule_with_path_and_line(tmp_path: Path) -> None:
    """Uncommitted edits count too: the work tree is compared, not HEAD."""
    repo = tmp_path / "kb"
    init_repo(repo)
    replace_tree(repo, AGAINST / "GC001-body-changed" / "before")
    commit_all(repo, "base")
    replace_tree(repo, AGAINST / "GC001-body-changed" / "after")
    result = safetykb("check", "--against", "main", "--today", TODAY.isoformat(), cwd=repo)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("procedures/hd/proc-hd-001.md:5:1: error GC001 "), result.stdout
    assert "expected 3" in result.stdout
    github = safetykb("check", "--against", "main", "--format", "github",
                      "--today", TODAY.isoformat(), cwd=repo)
    assert "::error file=procedures/hd/proc-hd-001.md,line=5,col=1,title=GC001::" \
        in github.stdout


def test_waiver_silences_a_history_rule(tmp_path: Path) -> None:
    repo = tmp_path / "kb"
    init_repo(repo)
    replace_tree(repo, AGAINST / "GC001-body-changed" / "before")
    commit_all(repo, "base")
    replace_tree(repo, AGAINST / "GC001-body-changed" / "after")
    path = repo / "procedures/hd/proc-hd-001.md"
    path.write_text(path.read_text("utf-8").replace(
        "---\n\n", 'waivers: [{rule: GC001, reason: "typo only, MOC-2026-3"}]\n---\n\n', 1),
        "utf-8")
    assert history_problems(repo) == set()


@pytest.mark.parametrize(("ref", "says"), [
    ("no-such-branch", "use one of the branches here: main"),
    ("mian", "did you mean --against main?"),
    ("origin/main", "use one of the branches here: main"),
    ("0" * 40, "git fetch --depth=1 origin " + "0" * 40),
    ("main:procedures", "no such commit"),
    ("main..HEAD", "expected one branch, tag or commit"),
    ("main HEAD", "expected one branch, tag or commit")])
def test_unusable_ref_is_exit_2_saying_why(tmp_path: Path, ref: str, says: str) -> None:
    """In a full clone without a remote a missing branch names the branches
    there are (no fetch advice: there is nothing to fetch from); a range, a
    tree or two refs are not one commit."""
    repo = tmp_path / "kb"
    init_repo(repo)
    replace_tree(repo, AGAINST / "GC001-body-changed" / "before")
    commit_all(repo, "base")
    result = safetykb("check", "--against", ref, cwd=repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert says in result.stderr, result.stderr
    if ref in ("no-such-branch", "origin/main"):
        assert "fetch" not in result.stderr


@pytest.mark.parametrize(("ref", "says"), [
    ("no-such-branch", "git fetch --depth=1 origin +no-such-branch:"),
    ("upstream/main", "git fetch --depth=1 upstream +main:refs/remotes/upstream/main")])
def test_missing_ref_in_a_shallow_clone_says_how_to_fetch_it(tmp_path: Path, ref: str,
                                                             says: str) -> None:
    repo = tmp_path / "kb"
    init_repo(repo)
    replace_tree(repo, AGAINST / "GC001-body-changed" / "before")
    commit_all(repo, "base")
    commit_all(repo, "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    git(clone, "checkout", "-q", "-b", "change")
    result = safetykb("check", "--against", ref, cwd=clone)
    assert result.returncode == 2, result.stdout + result.stderr
    assert says in result.stderr, result.stderr


def test_main_in_a_master_repository_names_the_branches(tmp_path: Path) -> None:
    """`git init` gives `master`: --against main names it (and, with a
    remote, says how to fetch main from it)."""
    repo = tmp_path / "kb"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "master")
    replace_tree(repo, AGAINST / "GC001-body-changed" / "before")
    commit_all(repo, "base")
    result = safetykb("check", "--against", "main", cwd=repo)
    assert result.returncode == 2
    assert "use one of the branches here: master" in result.stderr, result.stderr
    assert "fetch" not in result.stderr
    git(repo, "remote", "add", "origin", "https://git.example.com/kb.git")
    result = safetykb("check", "--against", "main", cwd=repo)
    assert "use one of the branches here: master; or fetch it: git fetch origin main" \
        in result.stderr, result.stderr
    result = safetykb("check", "--against", "origin/main", cwd=repo)
    assert "or fetch it: git fetch origin main" in result.stderr, result.stderr


def test_not_a_repository_is_exit_2(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    materialise(AGAINST / "GC001-body-changed" / "after", kb)
    env_ceiling = {**ENV, "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "safetykb.cli", "check", "--against", "main"],
                            cwd=kb, capture_output=True, text=True, env=env_ceiling)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not in a git repository" in result.stderr
    assert "Traceback" not in result.stderr


def test_shallow_clone_after_fetching_the_base(tmp_path: Path) -> None:
    """CI: a depth-1 clone of the pull request's branch knows nothing of main
    until the base is fetched; then the comparison works."""
    origin = tmp_path / "origin"
    init_repo(origin)
    replace_tree(origin, AGAINST / "GC001-body-changed" / "before")
    commit_all(origin, "base 1")
    (origin / "procedures/hd/notes.txt").write_text("not a document\n", "utf-8")
    commit_all(origin, "base 2")
    git(origin, "checkout", "-q", "-b", "change")
    replace_tree(origin, AGAINST / "GC001-body-changed" / "after")
    commit_all(origin, "the change")
    # What actions/checkout does: a remote with the default refspec, one commit.
    work = tmp_path / "work"
    init_repo(work)
    git(work, "remote", "add", "origin", origin.as_uri())
    git(work, "fetch", "-q", "--depth=1", "origin", "change")
    git(work, "checkout", "-q", "-b", "change", "FETCH_HEAD")
    assert git(work, "rev-parse", "--is-shallow-repository").strip() == "true"
    missing = safetykb("check", "--against", "origin/main", cwd=work)
    assert missing.returncode == 2
    advice = re.search(r"git fetch [^(]*?(?= \(then|$)", missing.stderr, re.M)
    assert advice is not None and "+main:refs/remotes/origin/main" in advice.group(0), \
        missing.stderr

    def follow_advice() -> None:
        # Exactly the command the message gives (the first time, and again
        # once main has moved on: a shallow clone cannot fast-forward).
        subprocess.run(advice.group(0).split(), cwd=work, env=ENV, check=True,
                       capture_output=True)

    follow_advice()
    assert git(work, "rev-parse", "--is-shallow-repository").strip() == "true"
    result = safetykb("check", "--against", "origin/main", "--today", TODAY.isoformat(), cwd=work)
    assert result.returncode == 1, result.stderr
    assert "procedures/hd/proc-hd-001.md:5:1: error GC001" in result.stdout
    # No common commit in this clone: compared with main itself, and said so.
    assert "share no commit here" in result.stderr and "--unshallow" in result.stderr
    git(origin, "checkout", "-q", "main")
    (origin / "procedures/hd/notes.txt").write_text("moved on\n", "utf-8")
    commit_all(origin, "base 3")
    follow_advice()
    assert git(work, "rev-parse", "origin/main") == git(origin, "rev-parse", "main")


def test_compared_where_the_branch_began(tmp_path: Path) -> None:
    """A new revision merged into main after the branch began is not the
    branch's change: the comparison is with the merge base."""
    repo = branch_from(tmp_path, "GC001-body-changed")
    (repo / "procedures/hd/notes.txt").write_text("not a document\n", "utf-8")
    commit_all(repo, "the change")
    git(repo, "checkout", "-q", "main")
    replace_tree(repo, AGAINST / "GC001-raised-by-two" / "before")
    path = next((repo / "procedures").rglob("*.md"))
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"^revision: (\d+)", lambda m: f"revision: {int(m[1]) + 1}", text,
                           count=1, flags=re.M).replace("change_note:", "change_note: new.",
                                                        1), "utf-8")
    commit_all(repo, "main moves on")
    git(repo, "checkout", "-q", "change")
    result = safetykb("check", "--against", "main", "--today", TODAY.isoformat(), cwd=repo)
    assert " GC0" not in result.stdout, result.stdout
    assert "where this branch began" in result.stderr, result.stderr


def test_content_folder_dropped_is_a_deletion(tmp_path: Path) -> None:
    """Leaving a folder out of content_dirs takes its documents out of control:
    the base is read with its own content folders too."""
    repo = branch_from(tmp_path, "GC006-deleted", "content_dirs: [procedures]\n")
    (repo / "safetykb.yml").write_text("content_dirs: [procedures/new]\n", "utf-8")
    commit_all(repo, "another content folder")
    assert "GC006" in {rule for _, _, rule in history_problems(repo)}


def test_unreadable_document_is_reported_not_as_deleted(tmp_path: Path) -> None:
    """A controlled document whose front matter is broken is still a GC006
    error (whatever level FM001 is set to), worded for what happened."""
    repo = branch_from(tmp_path, "GC001-body-changed", "rules: {FM001: warning}\n")
    path = next((repo / "procedures").rglob("*.md"))
    path.write_text(path.read_text("utf-8").replace("---\n\n", "\n\n", 1), "utf-8")
    commit_all(repo, "front matter not closed")
    assert {rule for _, _, rule in history_problems(repo)} == {"GC006"}
    result = safetykb("check", "--against", "main", cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error GC006" in result.stdout and "can no longer be read" in result.stdout
    assert "was deleted" not in result.stdout, result.stdout


def test_git_rename_is_the_same_document(tmp_path: Path) -> None:
    """``git mv`` to another folder keeps the document: no deletion is reported,
    and an unraised revision is reported at the new path."""
    repo = branch_from(tmp_path, "GC004-ids-swapped")
    (repo / "procedures/archive").mkdir()
    git(repo, "mv", "procedures/hd/proc-hd-002.md", "procedures/archive/permit.md")
    commit_all(repo, "move")
    assert history_problems(repo) == set()
    moved = repo / "procedures/archive/permit.md"
    moved.write_text(moved.read_text("utf-8").replace("Apply for", "Ask for"), "utf-8")
    commit_all(repo, "edit")
    assert history_problems(repo) == {("procedures/archive/permit.md", 5, "GC001")}


def test_knowledge_base_in_a_subfolder_and_odd_file_names(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    init_repo(repo)
    kb = repo / "safety kb"
    replace_tree(repo, AGAINST / "GC001-body-changed" / "before")
    (repo / "procedures").rename(tmp_path / "moved")
    kb.mkdir()
    shutil.move(str(tmp_path / "moved"), kb / "procedures")
    shutil.move(str(repo / "safetykb.yml"), kb / "safetykb.yml")
    odd = kb / "procedures/hd/proc hd \u00e9 \"001\".md"
    (kb / "procedures/hd/proc-hd-001.md").rename(odd)
    commit_all(repo, "base")
    odd.write_text(odd.read_text("utf-8").replace("team leader", "shift supervisor"), "utf-8")
    assert history_problems(kb) == {(odd.relative_to(kb).as_posix(), 5, "GC001")}
    # CI places annotations by paths from the repository's top.
    github = safetykb("check", "--against", "main", "--format", "github", cwd=kb)
    assert "::error file=safety kb/procedures/hd/proc hd \u00e9 \"001\".md,line=5," \
        in github.stdout, github.stdout
    gitlab = safetykb("check", "--against", "main", "--format", "gitlab", cwd=kb)
    paths = {i["location"]["path"] for i in json.loads(gitlab.stdout)}
    assert paths == {odd.relative_to(repo).as_posix()}, paths


def test_the_repository_itself_against_its_own_head(tmp_path: Path) -> None:
    """The task's acceptance check: a clone of this repository, a throwaway
    commit editing an approved procedure without raising its revision."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", REPO.as_uri(), str(clone))
    git(clone, "checkout", "-q", "-b", "throwaway")
    kb = load_kb(clone, load_config(clone, default_levels()))
    approved = next(d for d in kb.documents if d.status == "approved" and d.type == "procedure")
    approved.path.write_text(approved.text.replace("## Purpose\n", "## Purpose\n\nEdited.\n", 1),
                             "utf-8")
    commit_all(clone, "throwaway edit")
    result = safetykb("check", "--against", "origin/HEAD", cwd=clone)
    assert result.returncode == 1, result.stderr
    assert f"{approved.relpath}:{approved.line_of('revision')}:1: error GC001" in result.stdout


def test_a_large_unchanged_tree_gives_no_problem(tmp_path: Path) -> None:
    """A few hundred documents compared with themselves: nothing to report, and
    a missing REF is an error (the time taken is measured in
    benchmarks/run.py --only against, not asserted here)."""
    from safetykb.synth import generate

    repo = tmp_path / "big"
    generate(repo, 300)
    init_repo(repo)
    commit_all(repo, "base")
    kb = load_kb(repo, load_config(repo, default_levels()))
    with pytest.raises(GitError):
        check_against(kb, "no-such-ref", TODAY)
    assert check_against(kb, "main", TODAY) == []


def test_documents_at_the_base_are_what_git_holds(tmp_path: Path) -> None:
    """load_before reuses the working tree's parsed documents where git holds
    the same text (by blob id): the result is the same as parsing every file
    read from git, whatever happened to it since (unchanged, edited, moved,
    copied, deleted, line endings changed, a byte-order mark added)."""
    from safetykb.gitcontrol import _before_document, load_before, read_tree

    repo = tmp_path / "repo"
    init_repo(repo)
    source = next(p for p in CASES if (p / "before").is_dir()) / "before"
    materialise(source, repo)
    docs = sorted(repo.rglob("*.md"))
    assert len(docs) >= 1
    base = docs[0].read_text("utf-8")
    folder = docs[0].parent
    (folder / "unchanged.md").write_text(base, "utf-8")
    (folder / "edited.md").write_text(base, "utf-8")
    (folder / "rewritten.md").write_text(base.replace("\n", "\n\n", 4), "utf-8")
    (folder / "moved.md").write_text(base.replace("\n", "\n\n", 1), "utf-8")
    (folder / "crlf.md").write_text(base.replace("\n", "\n\n", 2), "utf-8")
    (folder / "bom.md").write_text(base.replace("\n", "\n\n", 3), "utf-8")
    (folder / "deleted.md").write_text(base + "\nGone.\n", "utf-8")
    commit_all(repo, "base")
    (folder / "edited.md").write_text(base + "\nA new line.\n", "utf-8")
    (folder / "rewritten.md").write_text(base + "\nRewritten.\n", "utf-8")
    (folder / "moved.md").rename(folder / "moved-here.md")
    (folder / "copy.md").write_text(base, "utf-8")
    crlf = folder / "crlf.md"
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    bom = folder / "bom.md"
    bom.write_bytes(b"\xef\xbb\xbf" + bom.read_bytes())
    (folder / "deleted.md").unlink()

    config = load_config(repo)
    kb = load_kb(repo, config)
    got = load_before(kb, "main")
    expected = [_before_document(repo, relpath, data, config)
                for relpath, data in sorted(read_tree(repo, "main", config).items())]
    assert [(d.relpath, d.path, d.text, d.meta) for d in got] == \
        [(d.relpath, d.path, d.text, d.meta) for d in expected]
    assert {d.relpath.rsplit("/", 1)[-1] for d in got} >= {
        "unchanged.md", "edited.md", "rewritten.md", "moved.md", "crlf.md", "bom.md", "deleted.md"}


def test_symbolic_link_and_submodule(tmp_path: Path) -> None:
    """A document that is a symbolic link is compared as the file it leads to
    (as the loader reads it); documents in a submodule are not compared, and
    the run says so."""
    repo = tmp_path / "kb"
    init_repo(repo)
    replace_tree(repo, AGAINST / "GC001-body-changed" / "before")
    doc = next((repo / "procedures").rglob("*.md"))
    (repo / "safetykb.yml").write_text("content_dirs: [procedures]\n", "utf-8")
    shared = repo / "shared"  # not a content folder
    shared.mkdir()
    doc.rename(shared / doc.name)
    doc.symlink_to(os.path.relpath(shared / doc.name, doc.parent))
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "change")
    target = shared / doc.name
    target.write_text(target.read_text("utf-8").replace("team leader", "shift supervisor"),
                      "utf-8")
    commit_all(repo, "edit through the link")
    assert history_problems(repo) == {(doc.relative_to(repo).as_posix(), 5, "GC001")}
    doc.unlink()
    commit_all(repo, "link deleted")
    assert "GC006" in {rule for _, _, rule in history_problems(repo)}
    # A submodule inside a content folder.
    sub = tmp_path / "sub"
    init_repo(sub)
    (sub / "x.md").write_text("# x\n", "utf-8")
    commit_all(sub, "sub")
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.as_uri(),
        "procedures/sub")
    commit_all(repo, "with a submodule")
    result = safetykb("check", "--against", "HEAD", cwd=repo)
    assert "not compared with HEAD: the documents in the submodule procedures/sub" \
        in result.stderr, result.stderr


def test_base_content_folders_outside_the_knowledge_base_are_ignored(tmp_path: Path) -> None:
    repo = tmp_path / "kb"
    init_repo(repo)
    replace_tree(repo, AGAINST / "GC001-body-changed" / "before")
    (repo / "safetykb.yml").write_text("content_dirs: [procedures, ../elsewhere, /etc]\n",
                                       "utf-8")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "change")
    (repo / "safetykb.yml").write_text("content_dirs: [procedures]\n", "utf-8")
    commit_all(repo, "config")
    assert history_problems(repo) == set()
