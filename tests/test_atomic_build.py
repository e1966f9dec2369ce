"""A failed or interrupted build leaves the previous site as it was."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from safetykb.synth import generate


def _build(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "safetykb.cli", "build", "--root", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _wait_for_pages(root: Path, old: set[Path], timeout: float = 120) -> Path:
    """The new build's staging folder, once the build has written pages into it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for staging in set(root.glob(".site.building-*")) - old:
            if any(staging.glob("procedures/*/*/*/index.html")):
                return staging
        time.sleep(0.05)
    raise AssertionError("the build wrote no page in time")


@pytest.fixture(scope="module")
def built_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("atomic") / "kb"
    generate(root, 300)
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
    process = _build(built_kb)
    staging = _wait_for_pages(built_kb, old)
    os.killpg(process.pid, how)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert "Traceback" not in process.stderr.read().decode()  # type: ignore[union-attr]
    assert _snapshot(site) == before, "the published site changed"
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


def _files(site: Path) -> frozenset[str]:
    """The pages of a site (other files may be named by a hash of their content)."""
    return frozenset(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                     if p.is_file())


def _publishing(root: Path, known: set[str]) -> bool:
    """Whether a build has begun to publish: a new entry beside the site other
    than its staging folder (a new version, a new link, a backup folder)."""
    return any(name.startswith(".site") and not name.startswith(".site.building-")
               and name not in known for name in os.listdir(root))


def test_killed_at_random_points_the_site_is_always_complete(tmp_path: Path) -> None:
    """SIGKILL at random moments, half of them as the build starts to publish:
    the site path always resolves to the complete previous or new site, and a
    failing build afterwards leaves the site as it was."""
    root = tmp_path / "kb"
    cli = [sys.executable, "-m", "safetykb.cli"]
    subprocess.run([*cli, "init", str(root)], check=True, capture_output=True)
    started = time.monotonic()
    subprocess.run([*cli, "build", "--root", str(root)], check=True, capture_output=True)
    duration = time.monotonic() - started
    site = root / "site"
    published, pending = _files(site), set()
    rng = random.Random(14)
    for attempt in range(8):
        # Each build adds a page, so the previous and the new site differ.
        new = subprocess.run([*cli, "new", "procedure", f"Killed build {attempt}", "--area", "KT",
                              "--root", str(root)], check=True, capture_output=True, text=True)
        pending.add(new.stdout.split()[1].removesuffix(".md") + "/index.html")
        known = set(os.listdir(root))
        process = _build(root)
        if attempt % 2:
            deadline = time.monotonic() + 120
            while process.poll() is None and not _publishing(root, known) \
                    and time.monotonic() < deadline:
                pass
        else:
            time.sleep(rng.uniform(0, duration * 1.2))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        assert (site / "index.html").is_file(), f"no site after kill {attempt}"
        now = _files(site)
        assert now in (published, published | pending), f"incomplete site after kill {attempt}"
        if now != published:
            published, pending = now, set()
    before = os.path.realpath(site)
    broken = root / "procedures/broken.md"
    broken.write_text("nothing\n", "utf-8")  # no front matter: the checks fail the build
    failed = subprocess.run([*cli, "build", "--root", str(root)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert f"{site} was left as it was" in failed.stderr and "Traceback" not in failed.stderr
    assert os.path.realpath(site) == before and _files(site) == published
    broken.unlink()
    subprocess.run([*cli, "build", "--root", str(root)], check=True, capture_output=True)
    assert _files(site) == published | pending
    assert sorted(n for n in os.listdir(root) if n.startswith(".site")) == \
        [".site.lock", os.readlink(site)], "leftovers of killed builds remain"
