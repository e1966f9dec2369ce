"""The ``safetykb`` command line: commands, output formats and exit codes.

Exit codes (all commands): 0 success (``check``: no errors; warnings allowed
unless ``--strict``), 1 problems found or the build failed, 2 bad usage or an
unusable configuration. A traceback is a bug: bad input is always a message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import os
import shlex
import sys
import time
from pathlib import Path

import click

from . import __version__
from .cache import NO_CACHE_ENV
from .config import ConfigError, load_config
from .linter import TODAY_ENV, check_paths, selected
from .model import Problem
from .rules import REGISTRY, default_levels

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
    show_default=True, help="The knowledge base to work on.")


def _root(root: Path) -> Path:
    if not root.is_dir():
        raise click.UsageError(f"--root {str(root)!r}: no such folder")
    return root.resolve()


def _fail_config(exc: Exception) -> None:
    click.echo(f"safetykb: configuration error: {exc}", err=True)
    sys.exit(EXIT_USAGE)


def _refuse_legacy_hooks(root: Path) -> None:
    from .upgrade import legacy_hooks

    message = legacy_hooks(root)
    if message:
        click.echo(f"safetykb: {message}", err=True)
        sys.exit(EXIT_USAGE)


def format_problems(problems: list[Problem], fmt: str, prefix: str = "") -> str:
    """Problems as text lines, GitHub workflow annotations or a JSON list.

    ``prefix`` (the knowledge base's folder in its git repository) goes before
    the paths of the CI formats: GitHub and GitLab place annotations by paths
    from the repository's top."""
    if prefix and fmt in ("github", "gitlab"):
        problems = [dataclasses.replace(p, path=prefix + p.path) for p in problems]
    if fmt == "json":
        return json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)
    if fmt == "gitlab":
        from .gitcontrol import code_quality_report

        return code_quality_report(problems)
    if fmt == "github":
        # GitHub's workflow-command escaping: data, and property values,
        # which also escape ':' and ',' (a file name must not forge a field).
        def esc(s: str) -> str:
            return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def prop(s: str) -> str:
            return esc(s).replace(":", "%3A").replace(",", "%2C")
        return "\n".join(
            f"::{p.level} file={prop(p.path)},line={p.line},col={p.column},title={prop(p.rule)}::"
            f"{esc(p.rule + ' ' + p.message)}" for p in problems)
    return "\n".join(p.format_text() for p in problems)


class TerminalProgress:
    """Counts and elapsed time on one rewritten line of an interactive terminal;
    silent in CI logs, in pipes and for small knowledge bases."""

    def __init__(self, minimum: int = 500) -> None:
        self.enabled = sys.stderr.isatty() and not os.environ.get("CI")
        self.minimum = minimum
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.minimum:
            return
        elapsed = time.perf_counter() - self.started
        sys.stderr.write(f"\r  read {done}/{total} documents, {elapsed:.1f} s")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def summary(problems: list[Problem], documents: int, seconds: float,
            of: int | None = None) -> str:
    """The last line of ``check``: ``of`` is the size of the knowledge base
    when only some of its documents (the paths given) were checked."""
    errors = sum(p.level == "error" for p in problems)
    warnings = sum(p.level == "warning" for p in problems)
    counted = f"{documents} of {of} documents" if of is not None else f"{documents} document(s)"
    return (f"{counted} checked in {seconds:.2f} s: "
            f"{errors} error(s), {warnings} warning(s)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="safetykb")
def main() -> None:
    """safetykb: a docs-as-code knowledge base for safety production."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "gitlab"]),
              default="text", show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--fix", is_flag=True,
              help="Rewrite files to fix what is mechanical (list indentation, line "
                   "endings, a duplicate # title, trailing spaces), then report the rest.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Check review dates as on this day (YYYY-MM-DD).")
@click.option("--against", "against", metavar="REF", default=None,
              help="Also compare with git revision REF (the pull request's base): revision "
                   "discipline, ids, deletions (rules GC001-GC007).")
@click.option("--no-cache", is_flag=True,
              help="Read and check every document afresh, without the cache of earlier "
                   "runs (.safetykb_cache/).")
@root_option
def check(paths: tuple[Path, ...], fmt: str, strict: bool, fix: bool,
          today: dt.datetime | None, against: str | None, root: Path,
          no_cache: bool = False) -> None:
    """Validate every document (or PATHS) without building the site."""
    root = _root(root)
    if no_cache:
        os.environ[NO_CACHE_ENV] = "1"
    started = time.perf_counter()
    if _PROGRAM:
        # The program ends when ``check`` does (see _exit) and what it reads
        # lives until then: the cyclic collector would only walk every loaded
        # document again, at least once (about 0.3 s at 5000 documents).
        # Reference counting still frees the rest.
        gc.disable()
    progress = TerminalProgress()
    try:
        if fix:
            from .fixer import fix_documents
            from .linter import default_today

            kb, _ = check_paths(root, [p.resolve() for p in paths],
                                today.date() if today else None)
            wanted = [p.resolve() for p in paths]
            if wanted:
                kb.documents = [d for d in kb.documents if any(
                    d.path.resolve() == w or w in d.path.resolve().parents for w in wanted)]
            for fixed in fix_documents(kb, today.date() if today else default_today()):
                click.echo(f"fixed {fixed.relpath}: {', '.join(fixed.rules)}", err=True)
        kb, problems = check_paths(root, [p.resolve() for p in paths],
                                   today.date() if today else None, progress=progress)
        if against is not None:
            from .gitcontrol import GitError, check_against

            notes: list[str] = []
            try:
                history = check_against(kb, against, today.date() if today else None, notes)
            except GitError as exc:
                click.echo(f"safetykb: {exc}", err=True)
                sys.exit(EXIT_USAGE)
            if paths:  # only problems in the files and folders given
                wanted = [(root / p.path).resolve() for p in history]
                history = [p for p, w in zip(history, wanted, strict=True)
                           if any(w == q.resolve() or q.resolve() in w.parents for q in paths)]
            problems = sorted(set(problems) | set(history))
            for note in notes:
                click.echo(f"safetykb: note: {note}", err=True)
    except ConfigError as exc:
        _fail_config(exc)
        return
    finally:
        progress.clear()
    prefix = ""
    if fmt in ("github", "gitlab"):
        from .codeowners import repo_prefix

        prefix = repo_prefix(root)
    output = format_problems(problems, fmt, prefix)
    if output:
        click.echo(output)
    if fmt == "text":
        checked = len(selected(kb, paths)) if paths else len(kb.documents)
        click.echo(summary(problems, checked, time.perf_counter() - started,
                           len(kb.documents) if paths else None), err=True)
    failing = {"error", "warning"} if strict else {"error"}
    _exit(EXIT_PROBLEMS if any(p.level in failing for p in problems) else EXIT_OK)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text",
              show_default=True)
@root_option
def rules_cmd(fmt: str, root: Path) -> None:
    """List every rule: id, level (as configured), description."""
    try:
        config = load_config(_root(root), default_levels())
    except ConfigError as exc:
        _fail_config(exc)
        return
    rows = [(r.id, config.level(r.id, r.level), r.name, r.description)
            for r in REGISTRY.values()]
    if fmt == "json":
        click.echo(json.dumps([dict(zip(("id", "level", "name", "description"), row, strict=True))
                               for row in rows], indent=2))
    elif fmt == "md":
        from .render import rules_reference_markdown

        click.echo(rules_reference_markdown())
    else:
        for rule_id, level, name, description in rows:
            click.echo(f"{rule_id:<7} {level:<8} {name:<26} {description}")


@main.command()
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: site_dir of mkdocs.yml; with --offline, "
                   "the same name with -offline, e.g. site-offline).")
@click.option("--quiet", "-q", is_flag=True, help="Only warnings and errors.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Check review dates as on this day (default: today).")
@click.option("--offline", is_flag=True,
              help="A copy that works opened from a folder (file://, a USB stick) "
                   "instead of a web server.")
@click.option("--no-cache", is_flag=True,
              help="Check every document afresh, without the cache of earlier runs.")
@root_option
def build(site_dir: Path | None, quiet: bool, today: dt.datetime | None, root: Path,
          offline: bool = False, no_cache: bool = False) -> None:
    """Check, then build the site; the output is replaced only on success."""
    from .offline import OFFLINE_ENV
    from .sitebuild import BuildError, BuildRefused, build_site, offline_site_dir

    root = _root(root)
    setting: str | None = None
    if no_cache:
        # Read by the check in the site generator's process, which inherits it.
        os.environ[NO_CACHE_ENV] = "1"
    _refuse_legacy_hooks(root)
    if offline:
        # Read by the safetykb plugin in the site generator's process.
        os.environ[OFFLINE_ENV] = "1"
        # Never over the site a web server may be serving.
        if site_dir is None:
            site_dir, setting = offline_site_dir(root), "the offline copy's folder"
    if today is not None:
        # The build checks in the site generator's process, which inherits this.
        os.environ[TODAY_ENV] = today.date().isoformat()
    try:
        load_config(root, default_levels())
        # Not resolved: the site path is a symbolic link to be replaced, not followed.
        target = build_site(root, site_dir, quiet=quiet, setting=setting)
    except ConfigError as exc:
        _fail_config(exc)
        return
    except (BuildRefused, OSError) as exc:
        # A bad site folder, another build running, a file-system error: usage, exit 2.
        click.echo(f"safetykb: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except BuildError as exc:
        click.echo(f"safetykb: {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"safetykb: site built in {target}", err=True)


@main.command()
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", show_default=True,
              help="Address to serve on.")
@click.option("--full-rebuild", is_flag=True,
              help="Rebuild every page on each change (default: only changed pages).")
@click.option("--poll", is_flag=True,
              help="Look for changes twice a second instead of using the system's file "
                   "change events (for network shares and container mounts that send none).")
@root_option
def serve(dev_addr: str, full_rebuild: bool, root: Path, poll: bool = False) -> None:
    """Live preview of the site; rebuilds when a document changes."""
    from .sitebuild import BuildRefused
    from .sitebuild import serve as run_serve

    root = _root(root)
    _refuse_legacy_hooks(root)
    try:
        load_config(root, default_levels())
        sys.exit(run_serve(root, dev_addr, full_rebuild, poll=poll))
    except ConfigError as exc:
        _fail_config(exc)
    except (FileNotFoundError, BuildRefused) as exc:
        click.echo(f"safetykb: {exc}", err=True)
        sys.exit(EXIT_USAGE)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Write a new, working knowledge base into DIRECTORY (new or empty)."""
    from .scaffold import InitError, init_kb

    try:
        written = init_kb(directory)
    except InitError as exc:
        click.echo(f"safetykb: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"safetykb: wrote {len(written)} files into {directory}", err=True)
    click.echo(f"next: safetykb check --root {directory} && safetykb serve --root {directory}",
               err=True)
    from .codeowners import in_repository

    if not in_repository(directory):
        # Revision history, "What changed" and check --against read git.
        click.echo(f"then keep it in git (pages show their revision history from it): cd "
                   f"{shlex.quote(str(directory))} && git init && git add -A && git commit -m "
                   "'Knowledge base'", err=True)


@main.command()
@click.argument("doc_type", metavar="TYPE", type=click.Choice(["procedure", "action", "checklist"]))
@click.argument("title")
@click.option("--area", default=None, help="Area code in the id and folder, e.g. HD, PRESS.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None)
@click.option("--author", default=None,
              help="Who drafts the document (default: git config user.name).")
@root_option
def new(doc_type: str, title: str, area: str | None, lang: str | None, author: str | None,
        root: Path) -> None:
    """Create a draft document from the template, with the next free id."""
    from .scaffold import InitError, new_document

    root = _root(root)
    try:
        config = load_config(root, default_levels())
        path, doc_id = new_document(root, config, doc_type, title, area, lang, author)
    except ConfigError as exc:
        _fail_config(exc)
        return
    except InitError as exc:
        click.echo(f"safetykb: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{doc_id} {path.relative_to(root).as_posix()}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "json"]), default="md",
              show_default=True)
@click.option("--all", "everything", is_flag=True,
              help="Include superseded and withdrawn documents.")
@root_option
def register(fmt: str, everything: bool, root: Path) -> None:
    """The document register: every controlled document with its control data."""
    from .effective import apply_effective_dates
    from .linter import default_today
    from .loader import load_kb
    from .register import format_register, register_rows

    root = _root(root)
    try:
        config = load_config(root, default_levels())
    except ConfigError as exc:
        _fail_config(exc)
        return
    kb = load_kb(root, config)
    # Approved ahead of its effective date: the revision in force is listed.
    apply_effective_dates(kb, default_today())
    click.echo(format_register(register_rows(kb, everything), fmt), nl=False)


@main.command("pdf")
@click.argument("ids", nargs=-1)
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("print"), show_default=True, help="Folder for the PDFs.")
@click.option("--pack", type=click.Choice(["workstation", "area"]), default=None,
              help="One PDF per workstation or folder area, with a cover page.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Print the revisions in force on this day (default: today).")
@root_option
def pdf_cmd(ids: tuple[str, ...], output: Path, pack: str | None, today: dt.datetime | None,
            root: Path) -> None:
    """Printed sheets of approved checklists and actions (or of IDS)."""
    from .pdf.command import run

    if today is not None:
        os.environ[TODAY_ENV] = today.date().isoformat()

    sys.exit(run(_root(root), list(ids), output, pack, lambda m: click.echo(m, err=True)))


@main.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--type", "doc_type", required=True,
              type=click.Choice(["checklist", "procedure", "action"]),
              help="What the files become.")
@click.option("--area", default=None, help="Area code in the id and folder, e.g. HD, PRESS.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Language (default: guessed from the text).")
@root_option
def import_cmd(files: tuple[Path, ...], doc_type: str, area: str | None, lang: str | None,
               root: Path) -> None:
    """Turn plain Markdown or text FILES into draft documents with the next free
    ids, then list what still breaks the rules (exit 1 if errors remain)."""
    from .importer import ImportFailed, import_files

    root = _root(root)
    try:
        config = load_config(root, default_levels())
        imported = import_files(root, config, list(files), doc_type, area, lang)
        _kb, problems = check_paths(root, [i.path for i in imported])
    except ConfigError as exc:
        _fail_config(exc)
        return
    except ImportFailed as exc:
        click.echo(f"safetykb: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for item in imported:
        click.echo(f"{item.id} {item.path.relative_to(root).as_posix()} <- {item.source}")
    if problems:
        click.echo(format_problems(problems, "text"))
    click.echo(f"safetykb: imported {len(imported)} draft(s); {len(problems)} problem(s) "
               "to fix before approval", err=True)
    sys.exit(EXIT_PROBLEMS if any(p.level == "error" for p in problems) else EXIT_OK)


@main.command("codeowners")
@click.option("--output", "-o", default=None,
              help="File to write (default: the repository's CODEOWNERS where it is, "
                   "else CODEOWNERS at the top of the git repository, read by GitHub and "
                   "GitLab; '-' prints it).")
@root_option
def codeowners_cmd(output: str | None, root: Path) -> None:
    """Write CODEOWNERS from each document's owner and the owners: teams in
    safetykb.yml, so that the owning department must approve a change (exit 1
    when a document's owner has no team)."""
    from .codeowners import OwnersError, codeowners, default_target, repo_prefix, repo_top
    from .loader import load_kb

    root = _root(root)
    try:
        config = load_config(root, default_levels())
        kb = load_kb(root, config)
        text, unowned = codeowners(kb, dict(config.data.get("owners") or {}),
                                   repo_prefix(root))
    except ConfigError as exc:
        _fail_config(exc)
        return
    except OwnersError as exc:
        _fail_config(exc)
        return
    if output == "-":
        click.echo(text, nl=False)
    else:
        target = Path(output) if output else default_target(repo_top(root))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        click.echo(f"safetykb: wrote {target}", err=True)
    for doc in unowned:
        click.echo(f"{doc.path}:{doc.line}:1: warning owner {doc.owner!r} has no team in "
                   "safetykb.yml owners:; add one so that changes need its approval", err=True)
    sys.exit(EXIT_PROBLEMS if unowned else EXIT_OK)


@main.command()
def schema() -> None:
    """The JSON Schema of document front matter (for editors)."""
    from .schema import schema_text

    click.echo(schema_text(), nl=False)


#: Set when this process is the ``safetykb`` program itself (not a test
#: runner calling :func:`main`): ``check`` may then end without tearing down.
_PROGRAM = False


def _exit(code: int) -> None:
    """End ``check``. As the program, without Python's teardown, which frees
    every document object one by one (about a second at 5000 documents; mypy
    ends the same way, ``mypy.util.hard_exit``): output is flushed first, and
    nothing of ``check`` waits for an exit handler (no temporary files, the
    worker pool and the cache already closed)."""
    if _PROGRAM and sys.getprofile() is None and sys.gettrace() is None:
        # (Not under a profiler or a coverage tracer: they write their data at exit.)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def run() -> None:
    """The ``safetykb`` program (console script and ``python -m safetykb.cli``)."""
    global _PROGRAM
    _PROGRAM = True
    main()


if __name__ == "__main__":  # pragma: no cover
    run()
