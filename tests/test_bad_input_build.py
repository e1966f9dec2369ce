"""``safetykb build`` reports every bad-input case exactly as ``check`` does,
exits 1, prints no traceback and publishes nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import FIXTURES, REPO, TODAY, materialise

TEMPLATE = REPO / "src/safetykb/templates/init"
CASES = sorted(p for p in (FIXTURES / "bad-input").iterdir() if p.is_dir())
LINE = re.compile(r"^(\S+):(\d+):\d+: (?:error|warning) ([A-Z]+\d{3}) ", re.M)


def _build_case(case: Path, tmp: Path) -> tuple[str, set[tuple[str, int, str]],
                                                subprocess.CompletedProcess[str], Path]:
    root = tmp / case.name
    expected = materialise(case, root)
    # The site's own pages live outside the knowledge base's content folders.
    (root / "mkdocs.yml").write_text((TEMPLATE / "mkdocs.yml").read_text("utf-8")
                                     .replace("docs_dir: docs", "docs_dir: ../site-pages"),
                                     "utf-8")
    result = subprocess.run([sys.executable, "-m", "safetykb.cli", "build", "--root", str(root),
                             "--today", TODAY.isoformat()],
                            capture_output=True, text=True, timeout=300)
    return case.name, expected, result, root


def test_build_reports_every_bad_input_case_like_check(tmp_path: Path) -> None:
    pages = tmp_path / "site-pages"
    shutil.copytree(TEMPLATE / "docs", pages)
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda case: _build_case(case, tmp_path), CASES))
    failures = []
    for name, expected, result, root in outcomes:
        found = {(m[0], int(m[1]), m[2]) for m in LINE.findall(result.stderr)}
        if result.returncode != 1 or "Traceback" in result.stderr or found != expected \
                or (root / "site").exists():
            failures.append((name, result.returncode, sorted(expected ^ found),
                             result.stderr[-500:]))
    assert not failures, failures
