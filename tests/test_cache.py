"""The cache of checked documents between runs (``.safetykb_cache/``).

A cached run must report exactly what a fresh one reports, whatever changed
in between: the file, the configuration, the day, a symbolic link on disk.
Each test runs the real ``safetykb check`` (a new process each time, as a
user runs it) or the loader with a real cache on disk.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, TODAY, materialise
from safetykb.cache import CACHE_DIR, CACHE_DIR_ENV, DocumentCache, cached_key
from safetykb.config import load_config
from safetykb.linter import check_paths
from safetykb.loader import load_kb
from safetykb.rules import REGISTRY, default_levels

APPROVED = """\
---
id: PROC-CA-001
title: Forklift charging
type: procedure
revision: 1
status: approved
owner: Warehouse
author: Safety Engineer
approved_by: Plant Manager
effective: 2026-01-05
review_due: {review}
---

## Purpose

Charge forklift batteries without fire or acid burns. See [the area plan](area/plan.pdf).

## Scope

The charging bay.

## Responsibilities

The shift leader.

## Hazards and controls

Hydrogen gas: ventilation runs while charging.

## Procedure

1. Park the truck in the bay.
2. Switch the truck off and remove the key.
3. Connect the charger.

## Emergency

Acid on skin: rinse with water for 15 minutes and call 2222.

## Records

The charging log.

## References

None.
"""


def run_check(root: Path, *args: str, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "safetykb.cli", "check", "--root", str(root),
                           "--today", TODAY.isoformat(), *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted(line for line in result.stdout.splitlines() if line.strip())


@pytest.fixture
def kb(kb_dir: Path) -> Path:
    (kb_dir / "area").mkdir()
    (kb_dir / "area" / "plan.pdf").write_text("plan", "utf-8")
    (kb_dir / "proc-ca-001.md").write_text(APPROVED.format(review="2027-01-05"), "utf-8")
    return kb_dir


def test_a_cached_run_reports_what_a_fresh_run_reports(tmp_path: Path) -> None:
    """Every rule fixture at once (hundreds of problems of every rule): the
    first run fills the cache, the second reads from it, --no-cache reads
    afresh; all three print the same problems and exit alike."""
    root = tmp_path / "kb"
    materialise(FIXTURES / "rules", root)
    first = run_check(root)
    assert (root / CACHE_DIR / "documents-v1.sqlite3").is_file()
    second = run_check(root)
    fresh = run_check(root, "--no-cache")
    assert problems(first), first.stderr
    assert problems(second) == problems(first)
    assert problems(fresh) == problems(first)
    assert first.returncode == second.returncode == fresh.returncode == 1
    assert "Traceback" not in first.stderr + second.stderr + fresh.stderr


def test_the_second_load_comes_from_the_cache(kb: Path) -> None:
    config = load_config(kb, default_levels())
    first = DocumentCache(kb, config, TODAY)
    load_kb(kb, config, store=first)  # no prepare: nothing checked, nothing kept
    first.close()
    kb_first, found = check_paths(kb, today=TODAY)
    store = DocumentCache(kb, config, TODAY)
    again = load_kb(kb, config, store=store)
    store.close()
    assert [d.local_key for d in again.documents] == [cached_key(config, TODAY)]
    assert again.documents[0].text == kb_first.documents[0].text
    assert again.documents[0].body == kb_first.documents[0].body
    assert again.documents[0].path == kb_first.documents[0].path
    assert again.documents[0].sections == kb_first.documents[0].sections
    _, from_cache = check_paths(kb, today=TODAY)
    assert from_cache == found


def test_an_edit_is_seen(kb: Path) -> None:
    assert run_check(kb).returncode == 0
    doc = kb / "proc-ca-001.md"
    doc.write_text(doc.read_text("utf-8").replace("3. Connect the charger.",
                                                  "3. TODO: connect the charger."), "utf-8")
    result = run_check(kb)
    assert result.returncode == 1
    assert any(" PH001 " in line for line in problems(result)), result.stdout


def test_a_new_day_and_a_new_setting_are_seen(kb: Path) -> None:
    doc = kb / "proc-ca-001.md"
    doc.write_text(APPROVED.format(review="2026-12-01"), "utf-8")
    assert run_check(kb).returncode == 0  # due after TODAY
    later = subprocess.run([sys.executable, "-m", "safetykb.cli", "check", "--root", str(kb),
                            "--today", "2026-12-20"], capture_output=True, text=True)
    assert " DC002 " in later.stdout, later.stdout
    (kb / "safetykb.yml").write_text("content_dirs: [.]\nrules:\n  DC002: error\n", "utf-8")
    stricter = subprocess.run([sys.executable, "-m", "safetykb.cli", "check", "--root",
                               str(kb), "--today", "2026-12-20"], capture_output=True, text=True)
    assert " error DC002 " in stricter.stdout, stricter.stdout


def test_the_cache_of_one_day_serves_the_next(kb: Path) -> None:
    """A CI job keeps the cache from day to day: the documents of yesterday's
    run come from it, and the review dates are still checked against today."""
    doc = kb / "proc-ca-001.md"
    doc.write_text(APPROVED.format(review="2026-12-01"), "utf-8")
    _, before = check_paths(kb, today=TODAY)
    assert not [p for p in before if p.rule == "DC002"]
    later = dt.date(2026, 12, 20)
    config = load_config(kb, default_levels())
    store = DocumentCache(kb, config, later)
    again = load_kb(kb, config, store=store)
    store.close()
    assert [d.local_key for d in again.documents] == [cached_key(config, later)]
    _, after = check_paths(kb, today=later)
    assert [p.rule for p in after if p.rule == "DC002"] == ["DC002"]


def test_a_folder_turned_into_a_link_outside_is_seen(kb: Path, tmp_path_factory:
                                                      pytest.TempPathFactory) -> None:
    """The document is unchanged, but the folder its link goes through now
    leads outside the knowledge base: LK002 runs on cached documents too."""
    assert run_check(kb).returncode == 0
    outside = tmp_path_factory.mktemp("outside")
    (outside / "plan.pdf").write_text("elsewhere", "utf-8")
    shutil.rmtree(kb / "area")
    (kb / "area").symlink_to(outside, target_is_directory=True)
    result = run_check(kb)
    assert any(" LK002 " in line for line in problems(result)), result.stdout
    assert REGISTRY["LK002"].cacheable is False


def test_a_damaged_or_unwritable_cache_is_ignored(kb: Path, tmp_path: Path) -> None:
    expected = problems(run_check(kb, "--no-cache"))
    assert run_check(kb).returncode == 0
    db = kb / CACHE_DIR / "documents-v1.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    damaged = run_check(kb)
    assert damaged.returncode == 0 and problems(damaged) == expected, damaged.stderr
    with sqlite3.connect(db) as conn:  # started again, readable
        assert conn.execute("SELECT count(*) FROM doc").fetchone() == (1,)
    blocker = tmp_path / "a-file"
    blocker.write_text("", "utf-8")
    unwritable = run_check(kb, env={CACHE_DIR_ENV: str(blocker / "cache")})
    assert unwritable.returncode == 0 and problems(unwritable) == expected
    assert "Traceback" not in damaged.stderr + unwritable.stderr


def test_the_cache_is_never_committed_and_no_cache_writes_none(kb: Path) -> None:
    assert run_check(kb, "--no-cache").returncode == 0
    assert not (kb / CACHE_DIR).exists()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q"], cwd=kb, check=True, env=env)
    assert run_check(kb).returncode == 0
    assert (kb / CACHE_DIR).is_dir()
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=kb,
                            capture_output=True, text=True, check=True, env=env).stdout
    assert CACHE_DIR not in status, status
