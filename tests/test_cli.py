"""The command line, end to end, through the installed ``safetykb`` entry point."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SITE_KB, TODAY
from safetykb.model import Problem
from safetykb.rules import REGISTRY

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<level>error|warning) "
                  r"(?P<rule>[A-Z]+\d{3}) (?P<message>.+)$")


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "safetykb.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def test_repository_content_passes_check_with_no_problem_at_all() -> None:
    # A fixed day: review dates falling due must not turn the suite red.
    result = run("check", "--root", REPO, "--strict", "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "0 error(s), 0 warning(s)" in result.stderr


def test_check_reports_one_line_per_problem_and_exits_1(kb_dir: Path) -> None:
    (kb_dir / "broken.md").write_text(
        "---\nid: proc-1\ntitle: x\ntype: procedure\nrevision: 0\nstatus: aproved\n"
        "owner: S\nreveiw_due: 2027-01-01\n---\n\n## Purpose\n\nText.\n", "utf-8")
    (kb_dir / "bad-yaml.md").write_text("---\nid: \"A-1\ntitle: y\n---\n", "utf-8")
    result = run("check", "--root", kb_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    rules = {LINE.match(line)["rule"] for line in lines}  # type: ignore[index]
    assert {"FM002", "FM004", "FM005", "ST001"} <= rules
    assert any("'aproved'" in line and "one of draft, approved" in line for line in lines)
    assert any("did you mean 'review_due'" in line for line in lines)


def test_check_json_and_github_formats(kb_dir: Path) -> None:
    (kb_dir / "a.md").write_text("no front matter\n", "utf-8")
    as_json = run("check", "--root", kb_dir, "--format", "json")
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    assert data == [{"path": "a.md", "line": 1, "column": 1, "level": "error", "rule": "FM001",
                     "message": data[0]["message"]}]
    github = run("check", "--root", kb_dir, "--format", "github")
    assert github.stdout.startswith("::error file=a.md,line=1,col=1,title=FM001::FM001 ")


def test_check_only_the_given_paths_but_sees_the_whole_kb(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    run("init", kb)
    (kb / "procedures/bad.md").write_text("nothing\n", "utf-8")
    assert run("check", "--root", kb).returncode == 1
    result = run("check", "--root", kb, kb / "checklists")
    # The checklist's parent procedure lives elsewhere and must still resolve.
    assert result.returncode == 0, result.stdout
    # The summary counts what was checked, out of the whole knowledge base.
    assert "1 of 4 documents checked in" in result.stderr, result.stderr
    only_bad = run("check", "--root", kb, kb / "procedures/bad.md")
    assert only_bad.returncode == 1
    assert only_bad.stdout.startswith("procedures/bad.md:1:1: error FM001")
    assert "1 of 4 documents checked in" in only_bad.stderr, only_bad.stderr
    assert "4 document(s) checked in" in run("check", "--root", kb).stderr


def test_bad_usage_and_bad_config_exit_2(kb_dir: Path) -> None:
    assert run("check", "--format", "xml", "--root", kb_dir).returncode == 2
    assert run("check", "--root", kb_dir / "missing").returncode == 2
    (kb_dir / "safetykb.yml").write_text("rules:\n  XX999: error\n", "utf-8")
    result = run("check", "--root", kb_dir)
    assert result.returncode == 2
    assert "unknown rule id 'XX999'" in result.stderr
    (kb_dir / "safetykb.yml").write_text("lang: fr\n", "utf-8")
    assert "'en' or 'zh'" in run("check", "--root", kb_dir).stderr


def test_rules_lists_every_rule() -> None:
    result = run("rules")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == list(REGISTRY)
    data = json.loads(run("rules", "--format", "json").stdout)
    assert {d["id"] for d in data} == set(REGISTRY)


def test_init_writes_a_knowledge_base_that_checks_and_builds(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    assert run("init", kb).returncode == 0
    for rel in ("safetykb.yml", "mkdocs.yml", "docs/index.md", ".gitignore"):
        assert (kb / rel).is_file(), rel
    types = {re.search(r"^type: (\w+)$", p.read_text("utf-8"), re.M)[1]  # type: ignore[index]
             for p in kb.rglob("*.md") if "docs" not in p.parts
             and not p.relative_to(kb).parts[0].startswith(".")}  # .github: PR templates
    assert types == {"procedure", "action", "checklist"}
    check = run("check", "--root", kb, "--strict")
    assert check.returncode == 0, check.stdout + check.stderr
    build = run("build", "--root", kb)
    assert build.returncode == 0, build.stdout + build.stderr
    # jieba (Chinese search words) keeps its debug chatter to itself.
    for chatter in ("Building prefix dict", "Loading model", "Prefix dict has been built"):
        assert chatter not in build.stderr, build.stderr
    # The samples are drafts: not published, until a review site asks for drafts.
    assert not (kb / "site/procedures/gen/proc-gen-001").exists()
    assert (kb / "site/for-authors/rules/index.html").is_file()
    with (kb / "safetykb.yml").open("a", encoding="utf-8") as config:
        config.write("site:\n  drafts: true\n")
    assert run("build", "--root", kb).returncode == 0
    page = (kb / "site/procedures/gen/proc-gen-001/index.html").read_text("utf-8")
    assert 'data-skb-id="PROC-GEN-001"' in page and "skb-banner-draft" in page
    # init refuses to write over an existing knowledge base.
    again = run("init", kb)
    assert again.returncode == 2 and "not an empty folder" in again.stderr


def test_failed_build_keeps_the_previous_site(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    run("init", kb)
    assert run("build", "--root", kb).returncode == 0
    before = (kb / "site/index.html").read_text("utf-8")
    doc = kb / "procedures/gen/proc-gen-001.md"
    doc.write_text(doc.read_text("utf-8").replace("status: draft", "status: aproved"), "utf-8")
    result = run("build", "--root", kb)
    assert result.returncode == 1
    assert "procedures/gen/proc-gen-001.md:6:1: error FM004" in result.stderr
    assert "Traceback" not in result.stderr
    assert (kb / "site/index.html").read_text("utf-8") == before
    assert not list(kb.glob(".site.building-*")), "staging folder left behind"


def test_new_keeps_the_folder_a_knowledge_base_already_uses(tmp_path: Path) -> None:
    """A knowledge base that keeps its actions in procedures/actions/ (as
    ``init`` laid out before 0.3) gets its next action of that area there."""
    kb = tmp_path / "kb"
    run("init", kb)
    (kb / "procedures/actions").mkdir()
    (kb / "procedures/gen/act-gen-001.md").rename(kb / "procedures/actions/act-gen-001.md")
    result = run("new", "action", "Clean the hopper", "--area", "GEN", "--root", kb)
    assert result.stdout.split() == ["ACT-GEN-002", "procedures/actions/act-gen-002.md"]


def test_new_takes_the_next_free_id_and_checks(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    run("init", kb)
    first = run("new", "procedure", "Confined space entry", "--area", "GEN", "--root", kb)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split()[0] == "PROC-GEN-002"
    second = run("new", "action", "Gas test: before entry", "--area", "CS", "--root", kb)
    # Beside the procedures of its area: area CS, and the CS print pack.
    assert second.stdout.split() == ["ACT-CS-001", "procedures/cs/act-cs-001.md"]
    third = run("new", "checklist", "巡检", "--area", "CS", "--lang", "zh", "--root", kb)
    assert third.stdout.split()[0] == "CL-CS-001"
    result = run("check", "--root", kb)
    assert result.returncode == 0, result.stdout
    assert run("new", "procedure", "X", "--area", "bad area", "--root", kb).returncode == 2


def test_init_new_and_import_keep_an_area_in_one_folder(tmp_path: Path) -> None:
    """``init``'s samples, ``new`` and ``import`` put GEN documents in one
    folder; a knowledge base whose GEN documents live elsewhere (an earlier
    ``init`` wrote ``general/``) gets its new ones there too."""
    kb = tmp_path / "kb"
    run("init", kb)
    source = tmp_path / "loto.md"
    source.write_text("# Lockout\n\n- [ ] Isolator locked\n", "utf-8")
    for kind, prefix in (("procedure", "proc"), ("checklist", "cl")):
        samples = {p.parent.relative_to(kb).as_posix()
                   for p in kb.glob(f"{kind}s/*/{prefix}-gen-*.md")}
        new = run("new", kind, "Confined space entry", "--root", kb).stdout.split()[1]
        imported = run("import", source, "--type", kind, "--root", kb).stdout.split()[1]
        assert samples == {Path(new).parent.as_posix()} == {Path(imported).parent.as_posix()}
    old = tmp_path / "old"
    run("init", old)
    (old / "procedures/gen").rename(old / "procedures/general")
    new = run("new", "procedure", "Hot work", "--root", old)
    assert new.stdout.split() == ["PROC-GEN-002", "procedures/general/proc-gen-002.md"]


def test_init_config_names_areas_when_its_example_is_uncommented(tmp_path: Path) -> None:
    """The ``areas:`` example in the ``safetykb.yml`` init writes is valid as
    it stands: uncommented, a LOTO area is named, and GEN keeps its name."""
    from safetykb.config import load_config
    from safetykb.loader import load_kb
    from safetykb.site import area_names

    kb = tmp_path / "kb"
    run("init", kb)
    config = kb / "safetykb.yml"
    lines = config.read_text("utf-8").splitlines()
    start = lines.index("# areas:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("#   "))
    example = [line[2:] for line in lines[start:end]]
    assert example[:2] == ["areas:", "  LOTO: Lockout and tagout"], example
    config.write_text("\n".join(lines + example) + "\n", "utf-8")
    made = run("new", "procedure", "Lock out a press", "--area", "LOTO", "--root", kb)
    assert made.returncode == 0, made.stderr
    assert run("check", "--root", kb).returncode == 0
    names = area_names(load_kb(kb, load_config(kb)))
    assert names == {"loto": "Lockout and tagout", "gen": "General"}, names


@pytest.mark.parametrize("fmt", ["md", "csv", "json"])
def test_register_lists_current_documents(fmt: str) -> None:
    result = run("register", "--format", fmt, "--root", SITE_KB)
    assert result.returncode == 0
    assert "PROC-HD-001" in result.stdout


def test_stylesheet_of_init_matches_the_repository() -> None:
    template = REPO / "src/safetykb/templates/init"
    for rel in ("docs/assets/safetykb.css",):
        assert (template / rel).read_bytes() == (REPO / rel).read_bytes(), rel


def test_init_and_repository_use_the_plugin_not_a_hook_file() -> None:
    for config in (REPO / "mkdocs.yml", REPO / "src/safetykb/templates/init/mkdocs.yml"):
        text = config.read_text("utf-8")
        assert re.search(r"^  - safetykb$", text, re.M), config
        assert not re.search(r"^hooks:", text, re.M), config


def test_core_does_not_import_mkdocs() -> None:
    code = ("import sys, safetykb.cli, safetykb.linter, safetykb.site, safetykb.scaffold, "
            "safetykb.sitebuild, safetykb.register, safetykb.render, safetykb.crosscheck, "
            "safetykb.sanitize, safetykb.links; "
            "print([m for m in sys.modules if m.split('.')[0] == 'mkdocs'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_registry_refuses_an_unknown_rule_id() -> None:
    from safetykb.rules import get

    assert get("FM004").name == "bad-value"
    with pytest.raises(KeyError, match="unknown rule id 'XX001'"):
        get("XX001")


def test_github_annotations_escape_the_file_name() -> None:
    from safetykb.cli import format_problems

    forged = Problem("a\n::error file=x.md,line=1::forged,b:c.md", 3, 1, "FL005", "error",
                     "bad name")
    out = format_problems([forged], "github")
    assert out.count("\n") == 0 and out.count("::") == 2
    assert "file=a%0A%3A%3Aerror file=x.md%2Cline=1%3A%3Aforged%2Cb%3Ac.md,line=3" in out


def test_a_knowledge_base_of_0_1_is_told_what_to_change(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    assert run("init", kb).returncode == 0
    config = kb / "mkdocs.yml"
    text = re.sub(r"^  - safetykb\n", "", config.read_text("utf-8"), flags=re.M)
    config.write_text(text + "\nhooks:\n  - hooks/safetykb_hooks.py\n", "utf-8")
    for command in ("build", "serve"):
        result = run(command, "--root", kb)
        assert result.returncode == 2, result.stderr
        assert "mkdocs.yml:" in result.stderr and "- safetykb" in result.stderr
        assert "Traceback" not in result.stderr


def test_init_says_to_keep_the_knowledge_base_in_git(tmp_path: Path) -> None:
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    outside = subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(tmp_path / "a")],
                             capture_output=True, text=True, env=env)
    assert outside.returncode == 0, outside.stderr
    assert "git init && git add -A && git commit" in outside.stderr
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    inside = subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(repo / "kb")],
                            capture_output=True, text=True, env=env)
    assert inside.returncode == 0 and "git init" not in inside.stderr, inside.stderr


def test_approved_samples_of_init_are_reported(tmp_path: Path) -> None:
    """Every value init's samples carry is one PH002 knows (the list cannot
    fall behind the templates)."""
    kb = tmp_path / "kb"
    run("init", kb)
    for path in kb.rglob("*.md"):
        if "docs" not in path.parts and ".github" not in path.parts:
            path.write_text(path.read_text("utf-8").replace("status: draft", "status: approved"),
                            "utf-8")
    result = run("check", "--root", kb)
    sample = [line for line in result.stdout.splitlines() if " PH002 " in line]
    values = [line for line in sample if "is still the sample value" in line]
    notes = [line for line in sample if "sample note" in line]
    written = sum(text.count('"Example: ') for text in
                  (p.read_text("utf-8") for p in kb.rglob("*.md") if "docs" not in p.parts))
    assert len(values) == written > 0 and len(notes) == 3, result.stdout
