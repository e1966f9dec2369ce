"""Which documents get a printed sheet, and writing them.

The build publishes sheets of approved checklists and actions only: the
"current" gate (:mod:`safetykb.current`) keeps superseded and withdrawn
documents out, and drafts are not in force. Named on the command line, any
checklist or action prints, with a watermark when it is not approved.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import subprocess
from pathlib import Path
from typing import Any

from ..config import ConfigError
from ..current import is_current
from ..loader import frozen_heap, worker_count
from ..model import Document, KnowledgeBase
from .fonts import FontError
from .layout import PrintSettings, Sheet, layout_sheet
from .render import render_sheet

log = logging.getLogger("safetykb.pdf")

PRINT_DIR = "print"
PRINTABLE = ("checklist", "action")
#: Ids that are safe as one path segment of a file name and a URL.
SAFE_ID = re.compile(r"^[A-Z0-9][A-Z0-9_-]*(?:\.[A-Z0-9_-]+)*$")
#: Below this many sheets, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 40

NO_SITE_URL = ("site_url is not set in safetykb.yml: printed sheets carry no address or QR "
               "code (their footer only says to check the revision on the site); set it "
               "to the site's address")


def is_printable(doc: Document) -> bool:
    """A checklist or action with an id that can name a file."""
    return doc.fm_ok and doc.type in PRINTABLE and bool(doc.id and SAFE_ID.match(doc.id))


def is_published(doc: Document) -> bool:
    """True when the build publishes a PDF of ``doc``: in force and approved."""
    return is_printable(doc) and is_current(doc) and doc.status == "approved"


def sheet_href(doc: Document) -> str | None:
    """Site-relative path of ``doc``'s PDF (``print/CL-LOTO-001.pdf``), or None."""
    return f"{PRINT_DIR}/{doc.id}.pdf" if is_published(doc) else None


def published(kb: KnowledgeBase) -> list[Document]:
    """The documents whose sheets the build publishes, one per id, in path order."""
    by_id = kb.by_id()
    return [doc for doc in kb.documents if is_published(doc) and by_id.get(doc.id or "") is doc]


def git_commit(root: Path) -> str | None:
    """Short commit of ``root``'s checkout, or None outside a git repository."""
    try:
        result = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and re.fullmatch(r"[0-9a-f]{4,40}", commit) else None


def site_url_warning(kb: KnowledgeBase) -> str | None:
    """The one warning to show when sheets are made without ``site_url``."""
    return None if kb.config.site_url else NO_SITE_URL


def make_sheet(doc: Document, kb: KnowledgeBase, commit: str | None,
               site_url: str | None = None,
               settings: PrintSettings | None = None) -> Sheet:
    return layout_sheet(doc, kb.config, commit=commit, site_url=site_url, root=kb.root,
                        settings=settings)


def write_sheet(doc: Document, kb: KnowledgeBase, target: Path, commit: str | None,
                site_url: str | None = None, settings: PrintSettings | None = None) -> Sheet:
    sheet = make_sheet(doc, kb, commit, site_url, settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render_sheet(sheet))
    return sheet


# Set before forking: workers read the knowledge base from here instead of
# having every document pickled to them.
_JOB: tuple[KnowledgeBase, list[Document], Path, str | None, str | None,
            PrintSettings] | None = None


def _write_chunk(indices: list[int]) -> None:
    assert _JOB is not None
    kb, docs, out, commit, site_url, settings = _JOB
    for i in indices:
        doc = docs[i]
        write_sheet(doc, kb, out / PRINT_DIR / f"{doc.id}.pdf", commit, site_url, settings)


def publish_sheets(kb: KnowledgeBase, out_dir: Path, *, commit: str | None,
                   site_url: str | None = None) -> dict[str, str]:
    """Write ``print/<ID>.pdf`` under ``out_dir`` for every approved checklist
    and action; returns id -> path relative to ``out_dir``.

    ``site_url`` overrides the configuration's (a site generator may know it).
    Raises :class:`~.fonts.FontError` when a Chinese sheet has no font and
    :class:`~safetykb.config.ConfigError` for bad ``print:`` settings. On
    many sheets the work is shared by forked worker processes.
    """
    global _JOB
    settings = PrintSettings.from_config(kb.config)
    docs = published(kb)
    url = kb.config.site_url if site_url is None else site_url
    if docs and not url:
        log.warning(NO_SITE_URL)
    jobs = worker_count(len(docs), PARALLEL_THRESHOLD)
    if jobs == 1:
        for doc in docs:
            write_sheet(doc, kb, out_dir / PRINT_DIR / f"{doc.id}.pdf", commit, url, settings)
    else:
        # Fonts are registered before forking so that workers share them.
        for doc in docs:
            if (doc.lang or kb.config.lang) == "zh":
                make_sheet(doc, kb, commit, url, settings)
                break
        (out_dir / PRINT_DIR).mkdir(parents=True, exist_ok=True)
        _JOB = (kb, docs, out_dir, commit, url, settings)
        try:
            chunks = [list(range(i, len(docs), jobs * 4)) for i in range(jobs * 4)]
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                pool.map(_write_chunk, [c for c in chunks if c])
        finally:
            _JOB = None
    return {doc.id or "": f"{PRINT_DIR}/{doc.id}.pdf" for doc in docs}


class PendingSheets:
    """Sheets being written by a forked process while the caller goes on (the
    site generator renders pages on one core; the sheets take the other).

    ``paths`` (id -> path relative to the output folder) is known at once, so
    pages can link to their PDFs before the PDFs exist; :meth:`wait` joins the
    process and raises what :func:`publish_sheets` would have raised.
    """

    def __init__(self, kb: KnowledgeBase, out_dir: Path, commit: str | None,
                 site_url: str | None) -> None:
        self.paths = {doc.id or "": f"{PRINT_DIR}/{doc.id}.pdf" for doc in published(kb)}
        self._inline: tuple[KnowledgeBase, Path, str | None, str | None] | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._reader: Any = None
        # Settings are validated here, so a bad print: setting fails at once.
        PrintSettings.from_config(kb.config)
        if "fork" not in multiprocessing.get_all_start_methods():
            self._inline = (kb, out_dir, commit, site_url)
            return
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        self._reader = reader
        self._process = context.Process(target=_publish_child,
                                        args=(writer, kb, out_dir, commit, site_url))
        with frozen_heap():
            self._process.start()
        writer.close()

    def wait(self) -> dict[str, str]:
        """Wait until every sheet is written; id -> relative path."""
        if self._inline is not None:
            kb, out_dir, commit, site_url = self._inline
            self._inline = None
            return publish_sheets(kb, out_dir, commit=commit, site_url=site_url)
        if self._process is None:
            return self.paths
        try:
            kind, message = self._reader.recv()
        except EOFError:
            kind, message = "error", "the process writing the printed sheets died"
        self._process.join()
        self._process = None
        if kind == "font":
            raise FontError(message)
        if kind == "config":
            raise ConfigError(message)
        if kind == "error":
            raise RuntimeError(f"printed sheets: {message}")
        return self.paths


def _publish_child(writer: Any, kb: KnowledgeBase, out_dir: Path, commit: str | None,
                   site_url: str | None) -> None:
    try:
        publish_sheets(kb, out_dir, commit=commit, site_url=site_url)
        writer.send(("ok", ""))
    except FontError as exc:
        writer.send(("font", str(exc)))
    except ConfigError as exc:
        writer.send(("config", str(exc)))
    except Exception as exc:  # reported to the parent, which raises it
        writer.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        writer.close()


def start_publishing(kb: KnowledgeBase, out_dir: Path, *, commit: str | None,
                     site_url: str | None = None) -> PendingSheets:
    """Start :func:`publish_sheets` in a forked process; see :class:`PendingSheets`."""
    return PendingSheets(kb, out_dir, commit, site_url)
