"""The change workflow: pre-commit hook, CI templates written by ``init``,
GitLab code-quality output, pull-request template, CODEOWNERS.

The CI files are parsed as YAML, every ``safetykb`` command in them is checked
against the real command line, and the pull-request job's own shell lines are
run on a shallow clone made the way the CI checkout makes it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from conftest import REPO, TODAY
from safetykb.cli import main

ENV = {**os.environ, "GIT_AUTHOR_NAME": "Safety Engineer", "GIT_AUTHOR_EMAIL": "se@example.org",
       "GIT_COMMITTER_NAME": "Safety Engineer", "GIT_COMMITTER_EMAIL": "se@example.org",
       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
       # The CI lines call `safetykb`: the one of this interpreter.
       "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
       "SAFETYKB_TODAY": TODAY.isoformat()}


def sh(cwd: Path, command: str,
       env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True,
                          env={**ENV, **(env or {})}, timeout=600)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "kb"
    result = subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(root)],
                            capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stderr
    return root


def load_yaml(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def github_runs(workflow: dict[Any, Any], job: str) -> list[str]:
    return [step["run"] for step in workflow["jobs"][job]["steps"] if "run" in step]


def safetykb_commands(lines: list[str]) -> list[list[str]]:
    out = []
    for line in lines:
        for part in line.replace("||", "\n").replace(">", "\n").split("\n"):
            words = shlex.split(part)
            if words and words[0] == "safetykb":
                out.append(words)
    return out


def assert_commands_exist(commands: list[list[str]]) -> None:
    assert commands
    for words in commands:
        command = main.commands.get(words[1])
        assert isinstance(command, click.Command), words
        options = {opt for param in command.params for opt in param.opts}
        for word in words[2:]:
            if word.startswith("-"):
                assert word in options, f"{word} is not an option of safetykb {words[1]}"
            fmt = words[words.index("--format") + 1] if "--format" in words else None
            if fmt:
                choice = next(p for p in command.params if "--format" in p.opts).type
                assert isinstance(choice, click.Choice) and fmt in choice.choices


def test_init_writes_the_ci_files_and_templates(initialised: Path) -> None:
    for rel in (".github/workflows/safetykb.yml", ".gitlab-ci.yml",
                ".github/pull_request_template.md",
                ".gitlab/merge_request_templates/Default.md"):
        assert (initialised / rel).is_file(), rel
    template = (initialised / ".github/pull_request_template.md").read_text("utf-8")
    for heading in ("## What changed and why", "## Hazards affected", "## Revision",
                    "## Who reviewed", "## Training needed"):
        assert heading in template


def test_github_workflow(initialised: Path) -> None:
    workflow = load_yaml(initialised / ".github/workflows/safetykb.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    check_runs = github_runs(workflow, "check")
    assert_commands_exist(safetykb_commands(check_runs))
    assert any("check --against" in r and "--format github" in r for r in check_runs)
    publish = workflow["jobs"]["publish"]
    checkout = next(s for s in publish["steps"] if s.get("uses", "").startswith(
        "actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # history on every page
    assert_commands_exist(safetykb_commands(github_runs(workflow, "publish")))
    assert any(c[1] == "build" for c in safetykb_commands(github_runs(workflow, "publish")))
    # Built daily too: a revision approved ahead goes into force on its day.
    assert triggers["schedule"] and all(len(e["cron"].split()) == 5 for e in triggers["schedule"])
    assert "pull_request" not in publish["if"].split("!=")[0]
    assert workflow["env"]["TZ"]  # the day of the build is the plant's day


def test_gitlab_ci(initialised: Path) -> None:
    ci = load_yaml(initialised / ".gitlab-ci.yml")
    job = ci["safetykb-check"]
    assert job["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert ci["variables"]["TZ"]  # the day of the build is the plant's day
    assert_commands_exist(safetykb_commands(job["script"]))
    assert any("--format gitlab > gl-code-quality-report.json" in s for s in job["script"])
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    pages = ci["pages"]
    assert_commands_exist(safetykb_commands(pages["script"]))
    assert pages["artifacts"]["paths"] == ["public"] and pages["variables"]["GIT_DEPTH"] == "0"


def origin_with_a_change(initialised: Path, tmp_path: Path,
                         also_approved: tuple[str, ...] = ()) -> Path:
    """The knowledge base from ``init`` on main with its procedure (and
    ``also_approved``) approved, and a branch ``feature`` that edits the
    procedure without raising its revision."""
    origin = tmp_path / "origin"
    shutil.copytree(initialised, origin)
    proc = origin / "procedures/gen/proc-gen-001.md"
    for path in (proc, *(origin / p for p in also_approved)):
        path.write_text(path.read_text("utf-8").replace("status: draft", "status: approved", 1),
                        "utf-8")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base")
    git(origin, "checkout", "-q", "-b", "feature")
    proc.write_text(proc.read_text("utf-8").replace("## Purpose\n", "## Purpose\n\nEdited.\n"),
                    "utf-8")
    git(origin, "commit", "-q", "-am", "edit without a new revision")
    return origin


def change_in_a_shallow_checkout(initialised: Path, tmp_path: Path) -> Path:
    """A knowledge base from ``init`` on main, a branch that edits an approved
    procedure without raising its revision, checked out as CI does: one
    commit deep, with a remote whose base branch is not fetched yet."""
    origin = origin_with_a_change(initialised, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "feature")
    git(work, "remote", "add", "origin", origin.as_uri())
    git(work, "fetch", "-q", "--depth=1", "origin", "feature")
    git(work, "checkout", "-q", "FETCH_HEAD")
    return work


def test_github_check_job_lines_run_on_a_shallow_checkout(initialised: Path,
                                                          tmp_path: Path) -> None:
    work = change_in_a_shallow_checkout(initialised, tmp_path)
    workflow = load_yaml(initialised / ".github/workflows/safetykb.yml")
    fetch, check = [r for r in github_runs(workflow, "check") if "pip install" not in r]
    assert sh(work, fetch, {"BASE_REF": "main"}).returncode == 0
    result = sh(work, check, {"BASE_REF": "main"})
    assert result.returncode == 1, result.stderr
    assert "::error file=procedures/gen/proc-gen-001.md,line=" in result.stdout
    assert "title=GC001::" in result.stdout


def test_gitlab_check_job_lines_write_a_code_quality_report(initialised: Path,
                                                             tmp_path: Path) -> None:
    work = change_in_a_shallow_checkout(initialised, tmp_path)
    env = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    statuses = [sh(work, line, env) for line in load_yaml(initialised / ".gitlab-ci.yml")
                ["safetykb-check"]["script"]]
    assert [s.returncode for s in statuses] == [0, 0, 1], [s.stderr for s in statuses]
    report = json.loads((work / "gl-code-quality-report.json").read_text("utf-8"))
    issue = next(i for i in report if i["check_name"] == "GC001")
    assert issue["severity"] == "major"
    assert issue["location"]["path"] == "procedures/gen/proc-gen-001.md"
    assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({i["fingerprint"] for i in report}) == len(report)


def test_gitlab_format_fingerprints_survive_moved_lines() -> None:
    from safetykb.gitcontrol import code_quality_report
    from safetykb.model import Problem

    one = Problem("a.md", 3, 1, "CL003", "error", "too many items")
    moved = Problem("a.md", 9, 1, "CL003", "error", "too many items")
    twin = Problem("a.md", 12, 1, "CL003", "error", "too many items")
    first = json.loads(code_quality_report([one]))
    second = json.loads(code_quality_report([moved, twin]))
    assert first[0]["fingerprint"] == second[0]["fingerprint"] != second[1]["fingerprint"]
    assert json.loads(code_quality_report([])) == []


def test_codeowners_from_owner_and_teams(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    kb = repo / "safety kb"
    subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(kb)], check=True,
                   capture_output=True, env=ENV)
    git(repo, "init", "-q", "-b", "main")
    config = kb / "safetykb.yml"
    config.write_text(config.read_text("utf-8") + 'owners:\n  "Example: Production": '
                      '"@plant/production @plant/shift-leads"\n', "utf-8")

    def codeowners(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "safetykb.cli", "codeowners", *args],
                              cwd=kb, capture_output=True, text=True, env=ENV)

    partly = codeowners()
    assert partly.returncode == 1
    assert "procedures/gen/proc-gen-001.md:7:1: warning owner 'Example: Safety " \
           "Department' has no team" in partly.stderr
    # At the top of the repository, where GitHub and GitLab both read it (init
    # sets up both; GitLab never reads .github/CODEOWNERS), not in the
    # knowledge base's folder.
    assert not (repo / ".github/CODEOWNERS").exists() and not (kb / "CODEOWNERS").exists()
    text = (repo / "CODEOWNERS").read_text("utf-8")
    assert "/safety\\ kb/checklists/gen/cl-gen-001.md @plant/production @plant/shift-leads" \
        in text.splitlines()
    assert "proc-gen-001" not in text
    # A repository that keeps its CODEOWNERS in .github/ gets it rewritten there.
    (repo / "CODEOWNERS").rename(repo / "elsewhere")
    (repo / ".github").mkdir()
    (repo / ".github/CODEOWNERS").write_text("* @old\n", "utf-8")
    assert codeowners().returncode == 1
    assert (repo / ".github/CODEOWNERS").read_text("utf-8") == text
    assert not (repo / "CODEOWNERS").exists()
    config.write_text(config.read_text("utf-8") + '  "Example: Safety Department": '
                      '"safety@example.org"\n', "utf-8")
    whole = codeowners("--output", "-")
    assert whole.returncode == 0, whole.stderr
    assert "/safety\\ kb/procedures/gen/proc-gen-001.md safety@example.org" \
        in whole.stdout.splitlines()
    config.write_text(config.read_text("utf-8").replace("safety@example.org", "safety team"),
                      "utf-8")
    bad = codeowners("--output", "-")
    assert bad.returncode == 2 and "'safety' is not a team" in bad.stderr
    assert "Traceback" not in bad.stderr


def hook_repository(tmp_path: Path) -> tuple[Path, str]:
    """This project as a hook repository: a git repository of its package and
    its .pre-commit-hooks.yaml, committed (pre-commit installs from a commit)."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, hooks / name)
    shutil.copytree(REPO / "src", hooks / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    git(hooks, "init", "-q", "-b", "main")
    git(hooks, "add", "-A")
    git(hooks, "commit", "-q", "-m", "hooks")
    return hooks, git(hooks, "rev-parse", "HEAD").strip()


def test_hooks_manifest_is_valid() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [h["id"] for h in hooks] == ["safetykb-check"]
    hook = hooks[0]
    assert hook["entry"].split()[0] == "safetykb" and hook["language"] == "python"
    assert_commands_exist([hook["entry"].split()])


@pytest.mark.skipif(shutil.which("pre-commit", path=ENV["PATH"]) is None,
                    reason="pre-commit is not installed (test extra)")
def test_pre_commit_runs_the_check(initialised: Path, tmp_path: Path) -> None:
    hooks, rev = hook_repository(tmp_path)
    kb = tmp_path / "kb"
    shutil.copytree(initialised, kb)
    git(kb, "init", "-q", "-b", "main")
    (kb / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks.as_uri()}\n    rev: {rev}\n    hooks:\n"
        "      - id: safetykb-check\n", "utf-8")
    git(kb, "add", "-A")
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    clean = sh(kb, "pre-commit run --all-files", env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "safetykb check" in clean.stdout and "Passed" in clean.stdout
    assert sh(kb, "pre-commit install", env).returncode == 0
    proc = kb / "procedures/gen/proc-gen-001.md"
    proc.write_text(proc.read_text("utf-8").replace("revision: 1", "revision: 0"), "utf-8")
    git(kb, "add", "-A")
    refused = sh(kb, "git commit -q -m 'bad revision'", env)
    assert refused.returncode != 0
    assert "FM004" in refused.stdout + refused.stderr
    assert "procedures/gen/proc-gen-001.md:" in refused.stdout + refused.stderr


def test_gitlab_check_job_compares_where_the_branch_began(initialised: Path,
                                                           tmp_path: Path) -> None:
    """The target branch moved on after the merge request's branch began (a
    new revision of another document): that is not the merge request's change."""
    origin = origin_with_a_change(initialised, tmp_path, ("checklists/gen/cl-gen-001.md",))
    sheet = origin / "checklists/gen/cl-gen-001.md"
    git(origin, "checkout", "-q", "main")
    text = sheet.read_text("utf-8")
    revision = int(re.search(r"^revision: (\d+)", text, re.M)[1])  # type: ignore[index]
    sheet.write_text(re.sub(r"^revision: \d+", f"revision: {revision + 1}", text, count=1,
                            flags=re.M).replace("- [ ]", "- [ ] Gloves on\n- [ ]", 1), "utf-8")
    git(origin, "commit", "-q", "-am", "a new revision on main")
    work = tmp_path / "work"  # GIT_DEPTH 0: the whole history of the branch
    git(tmp_path, "clone", "-q", "--branch", "feature", origin.as_uri(), str(work))
    env = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    script = load_yaml(initialised / ".gitlab-ci.yml")["safetykb-check"]["script"]
    statuses = [sh(work, line, env) for line in script]
    assert [s.returncode for s in statuses] == [0, 0, 1], [s.stderr for s in statuses]
    report = json.loads((work / "gl-code-quality-report.json").read_text("utf-8"))
    history = {(i["location"]["path"], i["check_name"]) for i in report
               if i["check_name"].startswith("GC")}
    assert history == {("procedures/gen/proc-gen-001.md", "GC001")}, report
