"""``safetykb build`` under hostile conditions: concurrent builds, site folders
that overlap the knowledge base, content linked from outside, file-system
errors, a killed parent, and a register opened in a spreadsheet.

Every test runs real ``safetykb`` processes on a knowledge base made by
``safetykb init`` (its documents are dated the day it runs, so no test
depends on the date) and would fail on the code before these guarantees.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def run(*args: str | Path, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "safetykb.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def start_build(root: Path, *args: str, env: dict[str, str] | None = None,
                ) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "safetykb.cli", "build", "--root", str(root),
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def files(site: Path) -> set[str]:
    """Every page of a site, through the site path (a link to a version).

    Pages only: other files (a search index) may be named by a hash of
    their content, which changes from build to build."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.is_file()}


def wait_for(predicate: Callable[[], bool], timeout: float = 120, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def make_kb(path: Path) -> Path:
    """A knowledge base from ``safetykb init`` with its documents approved
    (init writes drafts, which the site does not publish)."""
    result = run("init", path)
    assert result.returncode == 0, result.stderr
    for doc in path.glob("*/*/*.md"):
        doc.write_text(doc.read_text("utf-8").replace("status: draft", "status: approved", 1),
                       "utf-8")
    return path


def break_kb(root: Path) -> None:
    """Make the next build fail in its checks: a document without front matter."""
    (root / "procedures/broken.md").write_text("nothing\n", "utf-8")


def set_field(doc: Path, key: str, value: str) -> None:
    """Set one front-matter field of ``doc`` to the YAML ``value``."""
    text = doc.read_text("utf-8")
    new, count = re.subn(rf"^{key}: .*$", lambda _: f"{key}: {value}", text, count=1, flags=re.M)
    assert count == 1, f"no {key} in {doc}"
    doc.write_text(new, "utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """A knowledge base built once, and the files of its complete site."""
    root = make_kb(tmp_path_factory.mktemp("integrity") / "kb")
    result = run("build", "--root", root)
    assert result.returncode == 0, result.stderr
    complete = files(root / "site")
    assert "procedures/gen/proc-gen-001/index.html" in complete
    return root, complete


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A fresh knowledge base, not built."""
    return make_kb(tmp_path / "kb")


# --- 13: one build per site folder ---------------------------------------------


def test_a_second_build_of_the_same_site_is_refused_while_the_first_runs(
        built: tuple[Path, set[str]]) -> None:
    root, complete = built
    first = start_build(root)
    try:
        # The first build holds the lock once its staging folder exists.
        wait_for(lambda: any(root.glob(".site.building-*")), what="the first build to start")
        second = run("build", "--root", root)
        assert second.returncode == 2, second.stderr
        assert f"another build of {root / 'site'} is running (pid {first.pid})" \
            in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert files(root / "site") == complete, "the first build published an incomplete site"


def test_a_second_build_told_to_wait_runs_after_the_first(
        built: tuple[Path, set[str]]) -> None:
    root, complete = built
    first = start_build(root)
    wait_for(lambda: any(root.glob(".site.building-*")), what="the first build to start")
    second = start_build(root, env={"SAFETYKB_BUILD_WAIT": "300"})
    out = [p.communicate(timeout=300)[1] for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), out
    assert files(root / "site") == complete
    assert not list(root.glob(".site.building-*")) and not list(root.glob(".site.link-*"))
    assert len(list(root.glob(".site-*"))) == 1, "older versions were not removed"


def test_a_bad_wait_setting_is_a_message(built: tuple[Path, set[str]]) -> None:
    result = run("build", "--root", built[0], env={"SAFETYKB_BUILD_WAIT": "soon"})
    assert result.returncode == 2
    assert "SAFETYKB_BUILD_WAIT='soon'" in result.stderr and "Traceback" not in result.stderr


# --- 14: the site path always resolves to a complete site ----------------------------


def test_first_build_after_upgrade_replaces_a_real_site_folder(
        built: tuple[Path, set[str]], tmp_path: Path) -> None:
    root, complete = built
    shutil.copytree(root / "site", tmp_path / "kb-site")
    kb = tmp_path / "kb"
    shutil.copytree(root, kb, symlinks=True, ignore=shutil.ignore_patterns(".site*", "site"))
    shutil.move(tmp_path / "kb-site", kb / "site")  # a site built before versioned sites
    result = run("build", "--root", kb)
    assert result.returncode == 0, result.stderr
    assert (kb / "site").is_symlink() and files(kb / "site") == complete
    assert [p.name for p in kb.iterdir() if p.name.startswith(".site")
            and p.name != ".site.lock"] == [os.readlink(kb / "site")]


def test_a_failed_first_build_does_not_claim_the_site_was_left_as_it_was(kb: Path) -> None:
    break_kb(kb)
    result = run("build", "--root", kb)
    assert result.returncode == 1
    assert "left as it was" not in result.stderr
    assert f"no site was published at {kb / 'site'}" in result.stderr


def test_failing_build_after_a_build_killed_between_the_old_renames_restores_the_site(
        built: tuple[Path, set[str]], tmp_path: Path) -> None:
    """Builds before versioned sites swapped folders with two renames; killed
    between them they left no site and the backup in ``.site.old-*``, which the
    next build deleted while saying the site was "left as it was"."""
    root, complete = built
    kb = tmp_path / "kb"
    shutil.copytree(root, kb, symlinks=True, ignore=shutil.ignore_patterns(".site*", "site"))
    backup = kb / ".site.old-x1y2z3"
    backup.mkdir()
    shutil.copytree(root / "site", backup / "site")
    break_kb(kb)
    result = run("build", "--root", kb)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert files(kb / "site") == complete, "the previous site was lost"
    assert "restored" in result.stderr and "left as it was" in result.stderr


# --- 15: site folders that would take the knowledge base with them ----------------------


@pytest.mark.parametrize("site_dir, what", [
    ("procedures", "content folder 'procedures'"),
    ("procedures/gen", "content folder 'procedures'"),
    ("checklists", "content folder 'checklists'"),
    ("docs", "docs_dir 'docs'"),
    ("docs/assets", "docs_dir 'docs'"),
    (".git", "the Git repository .git"),
    (".git/site", "the Git repository .git"),
    (".", "is the knowledge base"),
    ("..", "is the knowledge base"),
])
@pytest.mark.parametrize("how", ["option", "mkdocs.yml"])
def test_site_folder_overlapping_the_knowledge_base_is_refused(
        kb: Path, site_dir: str, what: str, how: str) -> None:
    (kb / ".git").mkdir()
    (kb / ".git/HEAD").write_text("ref: refs/heads/main\n", "utf-8")
    before = {p.relative_to(kb.parent) for p in kb.parent.rglob("*")}
    if how == "option":
        result = run("build", "--root", kb, "--site-dir", kb / site_dir)
        setting = "--site-dir"
    else:
        config = kb / "mkdocs.yml"
        config.write_text(config.read_text("utf-8").replace("site_dir: site",
                                                            f"site_dir: {site_dir}"), "utf-8")
        result = run("build", "--root", kb)
        setting = "site_dir in mkdocs.yml"
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"safetykb: {setting} ") and what in result.stderr, \
        result.stderr
    assert {p.relative_to(kb.parent) for p in kb.parent.rglob("*")} == before, \
        "the refused build changed the knowledge base"


def test_site_folder_outside_docs_dir_that_holds_it_is_refused(kb: Path, tmp_path: Path) -> None:
    """docs_dir outside the root (a shared pages folder) is protected too."""
    shutil.move(kb / "docs", tmp_path / "pages")
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("docs_dir: docs", "docs_dir: ../pages"),
                      "utf-8")
    result = run("build", "--root", kb, "--site-dir", tmp_path / "pages")
    assert result.returncode == 2 and "docs_dir '../pages'" in result.stderr, result.stderr
    assert (tmp_path / "pages/index.md").is_file()


def test_a_folder_that_is_not_a_site_is_not_replaced(kb: Path) -> None:
    notes = kb / "notes"
    notes.mkdir()
    (notes / "minutes.txt").write_text("keep me\n", "utf-8")
    result = run("build", "--root", kb, "--site-dir", notes)
    assert result.returncode == 2
    assert "holds no built site" in result.stderr and "Traceback" not in result.stderr
    assert (notes / "minutes.txt").read_text("utf-8") == "keep me\n"


# --- 16: content linked from outside, private temp folder, errors, the child process -----


def test_content_folder_linked_outside_the_knowledge_base_is_refused(
        kb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    shutil.move(kb / "checklists", outside)
    (kb / "checklists").symlink_to(outside, target_is_directory=True)
    result = run("build", "--root", kb)
    assert result.returncode == 2, result.stderr
    assert "content folder 'checklists'" in result.stderr and "outside" in result.stderr
    assert not (kb / "site").exists()
    # The checker reports the linked folder instead of reading the documents in it.
    check = run("check", "--root", kb)
    assert check.returncode == 1
    assert check.stdout.startswith("checklists:1:1: error FL003"), check.stdout
    assert "CL-GEN-001" not in run("register", "--root", kb).stdout


def test_generated_pages_never_touch_the_temporary_folder(tmp_path: Path) -> None:
    """The generated pages used to go to /tmp/safetykb-pages-<pid>, a name
    another user could create first as a link to a folder of theirs. They are
    now handed to MkDocs in memory (``File.generated``): a build writes
    nothing into the temporary folder that a planted link could redirect."""
    kb = tmp_path / "kb"
    assert subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(kb)],
                          capture_output=True).returncode == 0
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp))
    result = subprocess.run([sys.executable, "-m", "safetykb.cli", "build", "--root", str(kb)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert not [p for p in temp.iterdir() if p.name.startswith("safetykb-pages")]
    assert (kb / "site/reference/register/index.html").is_file()


def test_site_dir_through_a_file_is_a_message(kb: Path) -> None:
    result = run("build", "--root", kb, "--site-dir", kb / "mkdocs.yml/site")
    assert result.returncode == 2
    assert "--site-dir" in result.stderr and "cannot write" in result.stderr
    assert "Traceback" not in result.stderr


def test_site_dir_on_a_file_is_refused_and_the_file_kept(kb: Path) -> None:
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("site_dir: site",
                                                        "site_dir: safetykb.yml"), "utf-8")
    before = (kb / "safetykb.yml").read_text("utf-8")
    result = run("build", "--root", kb)
    assert result.returncode == 2
    assert "site_dir in mkdocs.yml" in result.stderr and "is a file" in result.stderr
    assert (kb / "safetykb.yml").read_text("utf-8") == before


@pytest.mark.parametrize("value", ["[a, b]", "5", "{x: 1}", "'unterminated"])
def test_site_dir_of_the_wrong_type_is_a_message(kb: Path, value: str) -> None:
    config = kb / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("site_dir: site", f"site_dir: {value}"),
                      "utf-8")
    before = set(kb.iterdir())
    result = run("build", "--root", kb)
    assert result.returncode == 2, result.stderr
    assert "site_dir" in result.stderr and "Traceback" not in result.stderr
    assert set(kb.iterdir()) == before, "the build wrote a site somewhere"


def test_unwritable_site_location_is_a_message(kb: Path) -> None:
    """/proc refuses new folders even to root."""
    result = run("build", "--root", kb, "--site-dir", "/proc/safetykb-test/site")
    assert result.returncode == 2
    assert "cannot write /proc/safetykb-test" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_parent_folder_is_a_message(kb: Path, tmp_path: Path) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        result = run("build", "--root", kb, "--site-dir", parent / "site")
    finally:
        parent.chmod(0o755)
    assert result.returncode == 2 and "Permission denied" in result.stderr
    assert "Traceback" not in result.stderr


def test_immutable_site_folder_is_a_message(built: tuple[Path, set[str]], tmp_path: Path) -> None:
    """A real site folder marked immutable (chattr +i) cannot be replaced."""
    root, complete = built
    kb = tmp_path / "kb"
    shutil.copytree(root, kb, symlinks=True, ignore=shutil.ignore_patterns(".site*", "site"))
    shutil.copytree(root / "site", kb / "site")
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(kb / "site")], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        result = run("build", "--root", kb)
    finally:
        subprocess.run(["chattr", "-i", str(kb / "site")], check=True)
    assert result.returncode == 2, result.stderr
    assert "cannot write" in result.stderr and "left as it was" in result.stderr
    assert "Traceback" not in result.stderr
    assert files(kb / "site") == complete


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def reap() -> Iterator[list[int]]:
    """Processes a test may leave running if it fails: killed at the end."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


SLOW_HOOK = """import time


def on_config(config):
    time.sleep(300)  # a long build: the generator outlives its parent unless it is killed too
    return config
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_killing_the_build_kills_the_generator(built: tuple[Path, set[str]], tmp_path: Path,
                                               reap: list[int]) -> None:
    root, complete = built
    kb = tmp_path / "kb"
    shutil.copytree(root, kb, symlinks=True, ignore=shutil.ignore_patterns(".site*", "site"))
    config = kb / "mkdocs.yml"
    original = config.read_text("utf-8")
    (kb / "slow_hook.py").write_text(SLOW_HOOK, "utf-8")
    config.write_text(original.replace("\nhooks:\n", "\nhooks:\n  - slow_hook.py\n")
                      if "\nhooks:\n" in original else original + "\nhooks:\n  - slow_hook.py\n",
                      "utf-8")
    build = start_build(kb)
    children: list[int] = []

    def generator_started() -> bool:
        children[:] = _children(build.pid)
        return bool(children)

    wait_for(generator_started, what="MkDocs to start")
    reap.extend(children)
    time.sleep(1)  # MkDocs is in the slow hook now
    assert all(_running(pid) for pid in children)
    build.kill()  # SIGKILL to the parent alone: no handler, no cleanup
    build.communicate(timeout=30)
    wait_for(lambda: not any(_running(pid) for pid in children), timeout=5,
             what=f"MkDocs ({children}) to die with its parent")
    # The kernel released the lock with the process; the next build cleans up after it.
    config.write_text(original, "utf-8")
    result = run("build", "--root", kb)
    assert result.returncode == 0, result.stderr
    assert files(kb / "site") == complete
    assert not list(kb.glob(".site.building-*"))


# --- 17: the register in a spreadsheet ------------------------------------------------


def test_register_csv_escapes_formulas(kb: Path) -> None:
    doc = kb / "procedures/gen/proc-gen-001.md"
    set_field(doc, "title", '"=HYPERLINK(\\"http://evil.example\\",\\"Click\\")"')
    set_field(doc, "owner", '"+1+cmd|\' /C calc\'!A0"')
    set_field(doc, "approved_by", '"@SUM(1+1)"')
    set_field(kb / "checklists/gen/cl-gen-001.md", "title", '"-2+3"')
    other = kb / "procedures/gen/act-gen-001.md"
    set_field(other, "owner", '"\\tTabbed"')
    set_field(other, "approved_by", '"\\rReturned"')
    # Bytes: text mode would turn the carriage return into a newline.
    result = subprocess.run([sys.executable, "-m", "safetykb.cli", "register", "--root", str(kb),
                             "--format", "csv", "--all"], capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout.decode(), newline=""))}
    proc, act = rows["PROC-GEN-001"], rows["ACT-GEN-001"]
    assert proc["title"] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    assert proc["owner"] == "'+1+cmd|' /C calc'!A0"
    assert proc["approved_by"] == "'@SUM(1+1)"
    assert act["owner"] == "'\tTabbed" and act["approved_by"] == "'\rReturned"
    assert rows["CL-GEN-001"]["title"] == "'-2+3"
    # Ordinary cells, and the other formats, are unchanged.
    assert rows["CL-GEN-001"]["owner"] and rows["CL-GEN-001"]["owner"][0] not in "'=+-@"
    assert proc["effective"][0].isdigit()
    as_json = run("register", "--root", kb, "--format", "json", "--all").stdout
    assert '"title": "=HYPERLINK' in as_json


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cell_escapes_every_formula_start(start: str) -> None:
    from safetykb.register import csv_cell

    assert csv_cell(f"{start}1+1") == f"'{start}1+1"
    assert csv_cell(f"a{start}1") == f"a{start}1"
