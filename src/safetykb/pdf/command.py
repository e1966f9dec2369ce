"""``safetykb pdf``: printed sheets and print packs from the command line.

    safetykb pdf [ID...] [-o DIR] [--pack workstation|area] [--root DIR]

Without ids: every approved checklist and action (what the build publishes).
With ids: those documents whatever their status; a draft, superseded or
withdrawn one prints with a diagonal watermark. The knowledge base is checked
first, as ``safetykb check`` does: a document with an error is not printed
(its problems are listed in the check's format), except a draft, which prints
under its DRAFT watermark with the problems listed; a pack with such a
document is not written. A checklist that does not fit one page is reported
(PR001) and not written. Exit 0 when every sheet was written, 1 when one
could not be (an error, an overflow), 2 for bad usage or configuration
(unknown id, a procedure, bad ``print:`` settings, no CJK font).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..config import ConfigError
from ..effective import apply_effective_dates
from ..linter import check_paths, default_today
from ..model import Problem
from .fonts import FontError
from .layout import PrintSettings, layout_sheet
from .publish import (
    PRINTABLE,
    git_commit,
    is_printable,
    published,
    site_url_warning,
)
from .render import render_sheet

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def run(root: Path, ids: list[str], out_dir: Path, pack: str | None,
        echo: Callable[[str], None]) -> int:
    """Make the sheets (or packs); report on ``echo``; return the exit code."""
    try:
        kb, problems = check_paths(root)
        config = kb.config
        settings = PrintSettings.from_config(config)
    except ConfigError as exc:
        echo(f"safetykb: configuration error: {exc}")
        return EXIT_USAGE
    errors: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.level == "error":
            errors.setdefault(problem.path, []).append(problem)
    # A revision approved ahead of its effective date: the one in force prints.
    effective = apply_effective_dates(kb, default_today())
    for note in effective.notes:
        echo(f"safetykb: {note}")
    for said in effective.warnings:
        echo(f"safetykb: warning: {said}")
    commit = git_commit(root)
    warning = site_url_warning(kb)
    if warning:
        echo(f"safetykb: warning: {warning}")
    if pack is not None:
        if ids:
            echo("safetykb: --pack makes packs of every approved sheet; give no ids")
            return EXIT_USAGE
        from .packs import pack_key, write_packs

        broken = [d.relpath for d in published(kb) if d.relpath in errors]
        if broken:
            for relpath in broken:
                for problem in errors[relpath]:
                    echo(problem.format_text())
            echo(f"safetykb: {len(broken)} approved document(s) have errors; no pack was "
                 "written (a pack must not leave a sheet out)")
            return EXIT_PROBLEMS
        try:
            written = write_packs(kb, out_dir, pack, commit)
        except FontError as exc:
            echo(f"safetykb: {exc}")
            return EXIT_USAGE
        for target in written.values():
            echo(f"wrote {target}")
        if not written:
            echo(f"safetykb: no approved checklist or action has a {pack}")
        # Said, not silent: a checklist in no pack is not posted with one.
        # (Actions name no workstation: their packs are the areas'.)
        left = sorted(d.id or d.relpath for d in published(kb)
                      if d.type == "checklist" and pack_key(d, pack) is None)
        if left:
            echo(f"safetykb: {len(left)} approved checklist(s) name no {pack} and are in no "
                 f"pack: {', '.join(left)} (set `{pack}:` in their front matter, or print "
                 "them with --pack area)")
        return EXIT_OK
    by_id = kb.by_id()
    if ids:
        docs = []
        for doc_id in ids:
            doc = by_id.get(doc_id)
            if doc is None:
                echo(f"safetykb: unknown id {doc_id!r}")
                return EXIT_USAGE
            if doc.type not in PRINTABLE or not is_printable(doc):
                echo(f"safetykb: {doc_id} is a {doc.type}: only checklists and actions "
                     "print as sheets (procedures print from the browser)")
                return EXIT_USAGE
            docs.append(doc)
    else:
        docs = published(kb)
    status = EXIT_OK
    for doc in docs:
        found = errors.get(doc.relpath, [])
        if found and doc.status != "draft":
            for problem in found:
                echo(problem.format_text())
            echo(f"safetykb: {doc.relpath}: not printed: {len(found)} error(s) "
                 "(a sheet is printed only from a document that passes safetykb check)")
            status = EXIT_PROBLEMS
            continue
        for problem in found:
            if problem.rule != "PR001":  # the layout below reports an overflow
                echo(problem.format_text())
        try:
            sheet = layout_sheet(doc, config, commit=commit, root=root, settings=settings)
        except FontError as exc:
            echo(f"safetykb: {exc}")
            return EXIT_USAGE
        if sheet.overflow_lines:
            echo(f"{doc.relpath}:{sheet.overflow_line}:1: error PR001 {doc.relpath} does not "
                 f"fit on one {settings.paper} page at the minimum font size "
                 f"{settings.min_font_size:g} pt: {sheet.overflow_lines} line(s) over; "
                 "not printed")
            status = EXIT_PROBLEMS
            continue
        target = out_dir / f"{doc.id}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_sheet(sheet))
        echo(f"wrote {target}" + (f" (a draft with {len(found)} error(s) to fix before "
                                  "approval, under its DRAFT watermark)" if found else ""))
    return status
