"""What is checked is what is published: the eight findings of the correctness
issue, each as a test on a real build or a real ``safetykb`` run."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import SITE_KB, TODAY, build_kb, lint_root
from safetykb.config import load_config
from safetykb.crosscheck import mismatch
from safetykb.linter import lint
from safetykb.loader import discover, load_documents, load_kb


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "safetykb.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


class _TopItems(HTMLParser):
    """Entries of the first ordered list after ``<h2 id=ANCHOR>``."""

    def __init__(self, anchor: str) -> None:
        super().__init__()
        self.anchor, self.inside, self.depth, self.count, self.done = anchor, False, 0, 0, False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self.inside = dict(attrs).get("id") == self.anchor and not self.done
        elif self.inside and tag in ("ol", "ul"):
            self.depth += 1
        elif self.inside and tag == "li" and self.depth == 1:
            self.count += 1

    def handle_endtag(self, tag: str) -> None:
        if self.inside and tag in ("ol", "ul"):
            self.depth -= 1
            if self.depth == 0:
                self.done, self.inside = True, False


def steps_on_page(html: str, anchor: str) -> int:
    parser = _TopItems(anchor)
    parser.feed(html)
    return parser.count


# 1. Steps are not renumbered: 3-space indented "Key point:" lines stay inside
#    their step on the published page (Python-Markdown made 27 steps of 9).
@pytest.mark.parametrize(("uri", "anchor", "steps"), [
    ("procedures/actions/act-loto-001", "steps", 9),
    ("procedures/hidden-danger/proc-hd-001", "procedure", 9),
    ("procedures/training/proc-trn-001", "程序", 9),
])
def test_published_steps_are_the_checked_steps(repo_site: Path, uri: str, anchor: str,
                                               steps: int) -> None:
    html = (repo_site / uri / "index.html").read_text("utf-8")
    assert steps_on_page(html, anchor) == steps
    config = load_config(SITE_KB)
    kb = load_kb(SITE_KB, config)
    doc = next(d for d in kb.documents if d.relpath == uri + ".md")
    body = html.split('<dl class="skb-header"', 1)[1].split("</dl>", 1)[1]
    assert mismatch(doc, body.split("</article>", 1)[0]) is None


def test_the_build_cross_check_catches_a_page_that_differs(repo_site: Path) -> None:
    config = load_config(SITE_KB)
    kb = load_kb(SITE_KB, config)
    doc = next(d for d in kb.documents if d.id == "ACT-LOTO-001")
    html = (repo_site / "procedures/actions/act-loto-001/index.html").read_text("utf-8")
    body = html.split('<dl class="skb-header"', 1)[1].split("</dl>", 1)[1]
    body = body.split("</article>", 1)[0]
    assert mismatch(doc, body) is None
    renumbered = body.replace("<ul>", "</li><li>", 1)
    assert mismatch(doc, renumbered) is not None


# 2. An unclosed fence followed by a raw <script>: never a script on the page.
def test_unclosed_fence_never_publishes_a_script(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    import shutil

    shutil.copytree(SITE_KB, root)
    path = root / "procedures/hidden-danger/proc-hd-001.md"
    path.write_text(path.read_text("utf-8") + "\n~~~\n<script>alert(1)</script>\n", "utf-8")
    result = build_kb(root, tmp_path / "site")
    if result.returncode == 0:
        page = (tmp_path / "site/procedures/hidden-danger/proc-hd-001/index.html")
        assert "<script>alert(1)" not in page.read_text("utf-8")
    else:
        assert "proc-hd-001.md" in result.stderr and "Traceback" not in result.stderr


# 3. Reference-style links are checked like inline ones.
def test_reference_style_link_outside_is_reported(kb_dir: Path) -> None:
    text = (SITE_KB / "procedures/team/proc-team-002.md").read_text("utf-8")
    text = text.replace("PROC-TEAM-001.\n", "See [manual].\n\n[manual]: ../../../../etc/passwd\n")
    (kb_dir / "doc.md").write_text(text, "utf-8")
    rules = {(p.rule, p.line) for p in lint_root(kb_dir)}
    assert ("LK002", text.split("\n").index("See [manual].") + 1) in rules, rules


# 4. The configuration is validated: exit 2 with safetykb.yml:LINE.
@pytest.mark.parametrize(("setting", "line", "says"), [
    ("rules: {CL003: {max_items: nine}}", 2, "expected a whole number"),
    ("limits: {max_file_bytes: big}", 2, "max_file_bytes"),
    ("content_dirs: procedures", 2, "valid list"),
    ("sections: {procedure: {en: Purpose}}", 2, "valid list"),
    ("lang: en\ncontnet_dirs: [procedures]", 3, "did you mean 'content_dirs'"),
    ("rules:\n  CL003:\n    max_itms: 3", 4, "did you mean 'max_items'"),
])
def test_bad_configuration_is_exit_2_with_the_line(tmp_path: Path, setting: str, line: int,
                                                   says: str) -> None:
    (tmp_path / "procedures").mkdir()
    (tmp_path / "safetykb.yml").write_text(f"extends: default\n{setting}\n", "utf-8")
    result = run("check", "--root", tmp_path)
    assert result.returncode == 2
    assert f"safetykb.yml:{line}:" in result.stderr and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_check_outside_a_knowledge_base_is_exit_2(tmp_path: Path) -> None:
    result = run("check", "--root", tmp_path)
    assert result.returncode == 2 and "not a knowledge base" in result.stderr
    (tmp_path / "safetykb.yml").write_text("extends: default\n", "utf-8")
    result = run("check", "--root", tmp_path)
    assert result.returncode == 2 and "content folders" in result.stderr


# 5. and 6. A new document set to approved as it is: placeholders and a
#    missing author are errors.
def test_a_new_document_cannot_be_approved_as_written(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    assert run("init", kb).returncode == 0
    result = run("new", "procedure", "Confined space entry", "--area", "CS", "--root", kb)
    assert result.returncode == 0, result.stderr
    path = kb / "procedures/cs/proc-cs-001.md"
    text = path.read_text("utf-8")
    text = re.sub(r"^author:.*\n", "", text, flags=re.M)
    text = text.replace("status: draft\n", "status: approved\napproved_by: Plant Manager\n"
                        "effective: 2026-06-01\nreview_due: 2027-06-01\n")
    path.write_text(text, "utf-8")
    result = run("check", "--root", kb, "--strict", "--today", TODAY.isoformat())
    assert result.returncode == 1
    assert "PH001" in result.stdout and "DC004" in result.stdout, result.stdout


# 7. Drafts stay off the published site; an approved document may not lean on one.
def test_drafts_are_not_published(repo_site: Path) -> None:
    assert not (repo_site / "procedures/team/proc-team-002").exists()
    register = (repo_site / "reference/register/index.html").read_text("utf-8")
    assert "PROC-TEAM-002" not in register and "PROC-TEAM-001" in register
    for path in repo_site.rglob("*.html"):
        assert "proc-team-002" not in path.read_text("utf-8"), path


def test_an_approved_document_may_not_depend_on_a_draft(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "kb"
    shutil.copytree(SITE_KB, root)
    path = root / "checklists/team/cl-hd-001.md"
    path.write_text(re.sub(r"^procedure: .*$", "procedure: PROC-TEAM-002",
                           path.read_text("utf-8"), count=1, flags=re.M), "utf-8")
    rules = {(p.path, p.rule) for p in lint_root(root)}
    assert ("checklists/team/cl-hd-001.md", "REF004") in rules, rules


# 8. Tests do not depend on the calendar: the same knowledge base checked on a
#    later day reports overdue reviews, so the fixed day is what keeps it clean.
def test_checks_are_pinned_to_a_day() -> None:
    assert not [p for p in lint_root(SITE_KB) if p.level == "error"]
    import datetime as dt

    late = lint_root(SITE_KB, dt.date(2030, 1, 1))
    assert any(p.rule == "DC002" for p in late)


def test_serial_and_parallel_loading_give_the_same_problems(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    config = load_config(SITE_KB)
    paths = discover(SITE_KB, config) * 30  # over the threshold for worker processes
    monkeypatch.setenv("SAFETYKB_JOBS", "1")
    serial = load_documents(paths, SITE_KB, config)
    monkeypatch.setenv("SAFETYKB_JOBS", "2")
    parallel = load_documents(paths, SITE_KB, config)
    assert [(d.relpath, d.meta, [s.title for s in d.sections], len(d.items)) for d in serial] \
        == [(d.relpath, d.meta, [s.title for s in d.sections], len(d.items)) for d in parallel]
    from safetykb.model import KnowledgeBase

    found = [lint(KnowledgeBase(SITE_KB, config, docs), TODAY) for docs in (serial, parallel)]
    assert found[0] == found[1] and found[0], "no problems at all: the test would prove nothing"
