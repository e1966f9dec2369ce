"""Golden files for what the core publishes: each document's header block (with
its links to the tag pages) and body HTML (after the sanitiser), for documents
of every kind and language.

A change to the renderer shows here as a unified diff. After checking the
diff is intended, rewrite the files with ``pytest tests/test_golden.py
--update-golden`` and review them in the pull request.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from conftest import FIXTURES, SITE_KB
from safetykb.config import load_config
from safetykb.current import is_listed
from safetykb.loader import load_kb
from safetykb.render import document_html, header_block
from safetykb.tags import TagIndex

GOLDEN = FIXTURES / "golden"
CASES = ["procedures/actions/act-loto-001.md", "procedures/hidden-danger/proc-saf-001.md",
         "procedures/training/proc-trn-001.md", "checklists/press/cl-press-001.md",
         "checklists/team/cl-hd-001.md", "checklists/lockout/cl-loto-001.md"]


def _compare(path: Path, actual: str, update: bool) -> None:
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, "utf-8")
        if not update:
            pytest.fail(f"{path} did not exist; written, review it and run again")
        return
    expected = path.read_text("utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            str(path), "actual"))
        pytest.fail(f"output differs from the golden file (--update-golden rewrites it):\n"
                    f"{diff}")


@pytest.mark.parametrize("relpath", CASES)
def test_published_html_matches_the_golden_file(relpath: str,
                                                request: pytest.FixtureRequest) -> None:
    update = bool(request.config.getoption("--update-golden"))
    kb = load_kb(SITE_KB, load_config(SITE_KB))
    doc = kb.by_path()[relpath]
    stem = Path(relpath).stem
    rendered = document_html(doc, kb)
    assert rendered.removed == ()
    _compare(GOLDEN / f"{stem}.body.html", rendered.html, update)
    # With links to the tag pages, as the site builds them.
    tags = TagIndex(kb.documents, is_listed)
    header = header_block(doc, doc.lang or kb.config.lang, kb.by_id().get, tag_page=tags.page)
    _compare(GOLDEN / f"{stem}.header.html", header, update)
