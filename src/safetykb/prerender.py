"""Page bodies and header blocks rendered ahead of the site generator, in
forked worker processes.

Rendering a document (Markdown with the rules' parser, the sanitiser, the
cross-check of its structure against the checked document) is CPU-bound and
independent per page, and it was most of our part of a build, done on one
core while the generator waited. :class:`PendingPages` forks workers that
render every page of :func:`~safetykb.site.site_pages` while the generator
goes on with its own work (files, navigation); the generator then only places
the results (:meth:`PendingPages.get`). The output is the same, byte for
byte, as rendering each page in the generator's process (:func:`render_page`
is the one function both use; a test compares every page).

Not for a live preview: it rebuilds one changed page at a time, and workers
would render every page on every save. No MkDocs import: the plugin calls
this.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from typing import Any

from .crosscheck import mismatch
from .loader import frozen_heap, worker_count
from .model import KnowledgeBase
from .render import RenderedPage
from .site import SitePage

#: Below this many pages, forking workers costs more than it saves.
PARALLEL_THRESHOLD = 50


class PrerenderError(RuntimeError):
    """A page could not be rendered; the message names its file."""


@dataclass(frozen=True)
class Prerendered:
    """One page as the site publishes it: the sanitised body, the header block
    (empty for generated pages) and why its structure differs from the checked
    document (None when it does not, or when it is not a document)."""

    rendered: RenderedPage
    header: str
    mismatch: str | None = None


def render_page(page: SitePage, kb: KnowledgeBase) -> Prerendered:
    """Render one page: body, header block, structural cross-check."""
    rendered = page.render()
    problem = None
    if page.doc_id is not None and not rendered.removed:
        doc = page.document or kb.by_path().get(page.uri)
        problem = mismatch(doc, rendered.html) if doc is not None else None
    header = page.header() if page.source is not None else ""
    return Prerendered(rendered, header, problem)


def _where(page: SitePage) -> str:
    return page.edit_path or page.uri


# Set before forking: workers read the pages from here (closures over the
# knowledge base cannot be pickled, and need not be: a fork has them).
_JOB: tuple[list[SitePage], KnowledgeBase] | None = None


def _render_share(writer: Any, share: list[int]) -> None:
    """Worker: render the pages at ``share``, send (index, result) pairs, or
    ("error", message) for the first page that fails."""
    assert _JOB is not None
    pages, kb = _JOB
    try:
        out = []
        for i in share:
            try:
                out.append((i, render_page(pages[i], kb)))
            except Exception as exc:  # sent to the parent, which raises it
                writer.send(("error", f"{_where(pages[i])}: {type(exc).__name__}: {exc}"))
                return
        writer.send(("ok", out))
    finally:
        writer.close()


class PendingPages:
    """Pages being rendered by forked workers while the caller goes on.

    :meth:`get` returns one page's result, waiting for the workers the first
    time; with fewer than :data:`PARALLEL_THRESHOLD` pages (or ``jobs=1``, or
    no ``fork``) pages are rendered on demand in this process instead.
    """

    def __init__(self, pages: list[SitePage], kb: KnowledgeBase,
                 jobs: int | None = None) -> None:
        global _JOB
        self._order = [page.uri for page in pages]
        self._pages = {page.uri: page for page in pages}
        self._kb = kb
        self._done: dict[str, Prerendered] | None = None
        self._workers: list[tuple[Any, Any, list[int]]] = []
        jobs = worker_count(len(pages), PARALLEL_THRESHOLD) if jobs is None else jobs
        if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        _JOB = (pages, kb)
        try:
            with frozen_heap():
                for number in range(jobs):
                    # Every jobs-th page: long and short documents spread evenly.
                    share = list(range(number, len(pages), jobs))
                    if not share:
                        break
                    reader, writer = context.Pipe(duplex=False)
                    process = context.Process(target=_render_share, args=(writer, share),
                                              daemon=True)
                    process.start()
                    writer.close()
                    self._workers.append((process, reader, share))
        finally:
            _JOB = None

    @property
    def parallel(self) -> bool:
        """True when the pages are rendered by worker processes."""
        return bool(self._workers) or self._done is not None

    def _collect(self) -> dict[str, Prerendered]:
        uris = self._order
        done: dict[str, Prerendered] = {}
        error = None
        for process, reader, share in self._workers:
            try:
                kind, payload = reader.recv()
            except (EOFError, OSError):  # died before or while sending
                kind, payload = "error", (f"the worker process rendering {len(share)} pages "
                                          f"(the first {uris[share[0]]}) died")
            reader.close()
            process.join()
            if kind == "ok":
                done.update((uris[i], result) for i, result in payload)
            elif error is None:
                error = str(payload)
        self._workers = []
        if error is not None:
            raise PrerenderError(error)
        return done

    def get(self, uri: str) -> Prerendered:
        """The rendered page ``uri`` (a :class:`SitePage` uri). A result is
        handed out once (the generator places each page once per build), so
        that placed pages do not stay in memory; asked again, the page is
        rendered again here."""
        if self._workers:
            self._done = self._collect()
        if self._done is not None and uri in self._done:
            return self._done.pop(uri)
        page = self._pages[uri]
        try:
            return render_page(page, self._kb)
        except Exception as exc:
            raise PrerenderError(f"{_where(page)}: {type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        """Stop workers still running (a build that failed elsewhere)."""
        for process, reader, _ in self._workers:
            reader.close()
            process.kill()
            process.join()
        self._workers = []
