"""A failed or interrupted build leaves the previous site as it was."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

import pytest

from safetykb.synth import generate


def _interruptible() -> None:
    # As in a terminal: a test run started in the background (`pytest &`, some
    # CI runners) passes SIGINT on ignored, and Ctrl-C would then not stop the
    # build at all.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


#: A MkDocs hook for the knowledge base of these tests: with HOLD_ENV set, the
#: build stops after everything is written (its last on_post_build, after the
#: safetykb plugin's), says so in that file and waits there to be interrupted,
#: however fast or loaded the machine is.
HOLD_ENV = "SAFETYKB_TEST_HOLD"
_HOLD_HOOK = f"""
import os
import time


def on_post_build(config, **kwargs):
    hold = os.environ.get("{HOLD_ENV}")
    if hold:
        open(hold, "w").close()
        time.sleep(300)
"""


def _build(root: Path, hold: Path | None = None) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
    """A build in a process group of its own, and the file its stderr goes to
    (a pipe nobody reads would fill with the checker's warnings and stall it);
    with ``hold``, the build waits when it is about to publish."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 (read by the caller after the build)
    env = {**os.environ, HOLD_ENV: str(hold)} if hold else None
    return subprocess.Popen([sys.executable, "-m", "safetykb.cli", "build", "--root", str(root)],
                            stdout=subprocess.DEVNULL, stderr=log, env=env,
                            start_new_session=True, preexec_fn=_interruptible), log


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill a build a failed test leaves running (it would hold the site's lock)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)


def _wait_for_hold(root: Path, old: set[Path], hold: Path, timeout: float = 300) -> Path:
    """The new build's staging folder, once the build holds before publishing."""
    deadline = time.monotonic() + timeout
    while not hold.exists():
        assert time.monotonic() < deadline, "the build did not get to publishing in time"
        time.sleep(0.05)
    staging = set(root.glob(".site.building-*")) - old
    assert len(staging) == 1, staging
    found = staging.pop()
    assert any(found.glob("procedures/*/*/*/index.html")), "no page written"
    return found


@pytest.fixture(scope="module")
def built_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("atomic") / "kb"
    generate(root, 300)
    (root / "hold_hook.py").write_text(_HOLD_HOOK, "utf-8")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - hold_hook.py\n")
    result = subprocess.run([sys.executable, "-m", "safetykb.cli", "build", "--root", str(root)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root


def _snapshot(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns
            for p in site.rglob("*") if p.is_file()}


def _change_a_document(root: Path) -> None:
    doc = next((root / "procedures").rglob("proc-*.md"))
    doc.write_text(doc.read_text("utf-8").replace("revision: 1", "revision: 2\n"
                   "change_note: Interrupted-build test.", 1), "utf-8")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_interrupted_build_keeps_the_previous_site(built_kb: Path, how: int) -> None:
    site = built_kb / "site"
    before = _snapshot(site)
    _change_a_document(built_kb)
    old = set(built_kb.glob(".site.building-*"))  # left by an earlier SIGKILL
    hold = built_kb.parent / f"hold-{how}"
    process, log = _build(built_kb, hold)
    try:
        staging = _wait_for_hold(built_kb, old, hold)
        os.killpg(process.pid, how)
        process.wait(timeout=60)
    finally:
        _stop(process)
    assert process.returncode != 0
    log.seek(0)
    assert "Traceback" not in log.read().decode()
    assert _snapshot(site) == before, "the published site changed"
    assert (site / "index.html").is_file()
    if how != signal.SIGKILL:
        assert not staging.exists(), "staging folder left behind after a clean stop"


def test_next_build_succeeds_and_clears_leftovers(built_kb: Path) -> None:
    leftover = built_kb / ".site.building-leftover"
    leftover.mkdir(exist_ok=True)
    result = subprocess.run([sys.executable, "-m", "safetykb.cli", "build", "--root",
                             str(built_kb)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not list(built_kb.glob(".site.*-*"))
    assert "Interrupted-build test." in "".join(
        p.read_text("utf-8") for p in (built_kb / "site/procedures").rglob("index.html"))


def _pages(site: Path) -> frozenset[str]:
    """The pages of a site (other files may be named by a hash of their content)."""
    return frozenset(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                     if p.is_file())


def _publishing(root: Path, known: set[str]) -> bool:
    """Whether a build has begun to publish: a new entry beside the site other
    than its staging folder (a new version, a new link, a backup folder)."""
    return any(name.startswith(".site") and not name.startswith(".site.building-")
               and name not in known for name in os.listdir(root))


def _documents_in(pages: frozenset[str], ids: list[str]) -> frozenset[str]:
    """Which of the documents ``ids`` a site publishes (each has its page)."""
    return frozenset(i for i in ids if f"procedures/gen/{i.lower()}/index.html" in pages)


def _without(pages: frozenset[str], ids: list[str]) -> frozenset[str]:
    """The pages that are not about the documents ``ids``."""
    return frozenset(p for p in pages if not any(i.lower() in p.lower() for i in ids))


def test_killed_at_random_points_the_site_is_always_complete(tmp_path: Path) -> None:
    """SIGKILL at random moments, half of them as the build starts to publish:
    the site path always resolves to the complete previous or new site (every
    page of one of them), and a failing build afterwards leaves it as it was.

    Each build adds a document, so the previous and the new site differ by
    that document's pages; every other page is the same in both.
    """
    root = tmp_path / "kb"
    cli = [sys.executable, "-m", "safetykb.cli"]
    subprocess.run([*cli, "init", str(root)], check=True, capture_output=True)
    for doc in root.glob("*/*/*.md"):  # init writes drafts, which are not published
        doc.write_text(doc.read_text("utf-8").replace("status: draft", "status: approved", 1),
                       "utf-8")
    template = (root / "procedures/gen/proc-gen-001.md").read_text("utf-8")
    started = time.monotonic()
    subprocess.run([*cli, "build", "--root", str(root)], check=True, capture_output=True)
    duration = time.monotonic() - started
    site = root / "site"
    added: list[str] = []
    base = _pages(site)
    assert "procedures/gen/proc-gen-001/index.html" in base
    published: frozenset[str] = frozenset()
    rng = random.Random(14)
    for attempt in range(8):
        doc_id = f"PROC-GEN-{101 + attempt}"
        (root / f"procedures/gen/{doc_id.lower()}.md").write_text(
            template.replace("id: PROC-GEN-001", f"id: {doc_id}", 1), "utf-8")
        added.append(doc_id)
        known = set(os.listdir(root))
        process, _ = _build(root)
        try:
            if attempt % 2:
                deadline = time.monotonic() + 120
                while process.poll() is None and not _publishing(root, known) \
                        and time.monotonic() < deadline:
                    pass
            else:
                time.sleep(rng.uniform(0, duration * 1.2))
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
        finally:
            _stop(process)
        assert (site / "index.html").is_file(), f"no site after kill {attempt}"
        pages = _pages(site)
        assert _without(pages, added) == base, f"pages missing after kill {attempt}"
        now = _documents_in(pages, added)
        assert now in (published, frozenset(added)), f"a mixed site after kill {attempt}"
        assert all(f"id/{i}/index.html" in pages for i in now)
        published = now
    before = os.path.realpath(site)
    broken = root / "procedures/broken.md"
    broken.write_text("nothing\n", "utf-8")  # no front matter: the checks fail the build
    failed = subprocess.run([*cli, "build", "--root", str(root)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert f"{site} was left as it was" in failed.stderr and "Traceback" not in failed.stderr
    assert os.path.realpath(site) == before
    assert _documents_in(_pages(site), added) == published
    broken.unlink()
    subprocess.run([*cli, "build", "--root", str(root)], check=True, capture_output=True)
    assert _documents_in(_pages(site), added) == frozenset(added)
    assert {n for n in os.listdir(root) if n.startswith(".site")} == \
        {".site.lock", os.readlink(site)}, "leftovers of killed builds remain"
