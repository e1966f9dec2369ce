"""Shared test helpers: marked fixtures, temporary knowledge bases."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from safetykb.config import load_config
from safetykb.linter import lint
from safetykb.loader import load_kb
from safetykb.model import Problem
from safetykb.rules import default_levels

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parent
#: Fixtures are checked as on this day, so review-date rules do not drift.
TODAY = dt.date(2026, 11, 29)
MARK = re.compile(r"[ \t]*\{([A-Z]+[0-9]{3})\}")
FIXTURE_CONFIG = "content_dirs: [.]\n"


def strip_marks(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Remove ``{RULE-ID}`` marks; return the clean text and (line, rule) marks."""
    marks: list[tuple[int, str]] = []
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        marks += [(number, m) for m in MARK.findall(line)]
        out.append(MARK.sub("", line))
    return "\n".join(out), marks


def materialise(fixture: Path, dest: Path) -> set[tuple[str, int, str]]:
    """Copy a marked fixture knowledge base to ``dest`` without its marks.

    Returns the expected problems as (relative path, line, rule id). A file
    ``NAME.md.raw`` is copied byte for byte as ``NAME.md`` (for bytes that
    cannot carry a mark: other encodings, control characters); its expected
    problems are lines ``path:line RULE-ID`` in the folder's ``expected.txt``.
    A file ``NAME.md.symlink`` becomes a symbolic link ``NAME.md`` to the path
    it holds.
    A fixture folder without a safetykb.yml is checked with every Markdown
    file in it as a document.
    """
    expected: set[tuple[str, int, str]] = set()
    for path in sorted(fixture.rglob("*")):
        rel = path.relative_to(fixture)
        target = dest / rel
        if path.name == "expected.txt":
            for entry in path.read_text("utf-8").split("\n"):
                if entry.strip() and not entry.startswith("#"):
                    where, rule = entry.split()
                    file, line = where.rsplit(":", 1)
                    expected.add((file, int(line), rule))
            continue
        if path.name.endswith(".md.symlink"):
            # A symbolic link to the path written in the file (it cannot live in git).
            link = target.with_name(path.name[: -len(".symlink")])
            link.symlink_to(path.read_text("utf-8").strip())
            continue
        if path.name.endswith(".md.raw"):
            shutil.copyfile(path, target.with_name(path.name[: -len(".raw")]))
            continue
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".md":
            clean, marks = strip_marks(path.read_text("utf-8"))
            target.write_bytes(clean.encode("utf-8"))
            expected |= {(rel.as_posix(), line, rule) for line, rule in marks}
        else:
            shutil.copyfile(path, target)
    if not (dest / "safetykb.yml").exists():
        (dest / "safetykb.yml").write_text(FIXTURE_CONFIG, "utf-8")
    return expected


def expected_rules(fixture: Path) -> set[str]:
    """Every rule id a fixture folder expects, from marks and expected.txt."""
    rules: set[str] = set()
    for path in fixture.rglob("*"):
        if path.suffix == ".md":
            rules |= {rule for _, rule in strip_marks(path.read_text("utf-8"))[1]}
        elif path.name == "expected.txt":
            rules |= {entry.split()[1] for entry in path.read_text("utf-8").splitlines()
                      if entry.strip() and not entry.startswith("#")}
    return rules


def lint_root(root: Path, today: dt.date = TODAY) -> list[Problem]:
    config = load_config(root, default_levels())
    return lint(load_kb(root, config), today)


#: A small knowledge base on disk (the repository's first documents, frozen):
#: site tests build it, so they do not change when the repository's content does.
SITE_KB = FIXTURES / "frozen-kb"


def build_kb(root: Path, out: Path, today: dt.date = TODAY) -> subprocess.CompletedProcess[str]:
    """``safetykb build`` of ``root`` into ``out`` as on ``today``. The cache
    of checked documents goes beside ``out``, not into ``root`` (often a
    fixture folder of the repository)."""
    env = {**os.environ, "SAFETYKB_CACHE_DIR": str(out.parent / f".{out.name}-cache")}
    return subprocess.run([sys.executable, "-m", "safetykb.cli", "build", "--root", str(root),
                           "--site-dir", str(out), "--today", today.isoformat()],
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the fixture knowledge base, built once per test session."""
    work = tmp_path_factory.mktemp("site-kb")
    shutil.copytree(SITE_KB, work / "kb")
    out = work / "site"
    result = build_kb(work / "kb", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """An empty knowledge-base folder whose documents are every .md in it."""
    (tmp_path / "safetykb.yml").write_text(FIXTURE_CONFIG, "utf-8")
    return tmp_path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden files of tests/test_golden.py")


def search_records(site: Path) -> list[dict[str, Any]]:
    """Every record of the built site's Pagefind index (both language bundles):
    ``url``, ``content``, ``meta``, read back from its gzip'd fragments."""
    import gzip
    import json

    from safetykb.search import BUNDLE

    out = []
    for path in (site / BUNDLE).rglob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        out.append(json.loads(raw[raw.index(b"{"):]))  # after the "pagefind_dcd" signature
    return out
