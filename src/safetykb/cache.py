"""Checked documents kept between runs, like ruff's ``.ruff_cache``.

Reading a document (Markdown parse, front matter) and running the
document-scope rules on it is most of the time of ``safetykb check``. Their
result depends only on the file's bytes and path and on what is fixed for the
run, so it is kept in ``.safetykb_cache/`` at the knowledge base's root (one
SQLite file; the folder holds its own ``.gitignore``, so it is never
committed) and reused while nothing it depends on has changed:

- the file's bytes and its path in the knowledge base (a hash of both);
- the run: the configuration (every setting of ``safetykb.yml``), this
  package's own files (any change of the rules' code, a new version), the
  versions of the Markdown and YAML parsers and of the font metrics, and the
  CJK font the sheet layout measures with (PR001).

Rules whose result also depends on something else (LK002 resolves symbolic
links on disk, DC002 compares with the day of the run) are marked
``CACHEABLE = False`` and run again on every document read from the cache
(so a cache kept by CI serves the next day's runs too); the knowledge-base
rules (ids, references, links between documents) always run. Symbolic links
and files over the size limit are never cached. A cache that cannot be read
or written (a read-only checkout, a damaged file, another process holding
it) is ignored: the run reads the documents as without it. ``safetykb
check --no-cache`` or ``SAFETYKB_NO_CACHE=1`` turn it off, ``SAFETYKB_CACHE_DIR``
moves it (a CI cache folder).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import pickle
import sqlite3
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .config import Config
from .model import Document, Problem

#: The folder at the root of a knowledge base.
CACHE_DIR = ".safetykb_cache"
#: Set to 1 to read every document afresh (``check --no-cache``).
NO_CACHE_ENV = "SAFETYKB_NO_CACHE"
#: Another folder for the cache (e.g. one that CI saves between runs).
CACHE_DIR_ENV = "SAFETYKB_CACHE_DIR"
#: Raised whenever what is stored changes shape.
FORMAT = 1
_DB = f"documents-v{FORMAT}.sqlite3"
_PACKAGE = Path(__file__).resolve().parent
_DEPENDENCIES = ("markdown-it-py", "mdit-py-plugins", "PyYAML", "reportlab")


def enabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def cache_dir(root: Path) -> Path:
    wanted = os.environ.get(CACHE_DIR_ENV, "")
    return Path(wanted) if wanted else root / CACHE_DIR


def _code_fingerprint() -> list[object]:
    """This package's files (name, size, modification time) and the versions
    of what parses and measures documents."""
    files = []
    for dirpath, dirnames, filenames in os.walk(_PACKAGE):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            files.append((os.path.relpath(path, _PACKAGE), st.st_size, st.st_mtime_ns))
    versions: list[str | None] = []
    for dist in _DEPENDENCIES:
        try:
            versions.append(importlib.metadata.version(dist))
        except importlib.metadata.PackageNotFoundError:
            versions.append(None)
    return [__version__, sys.version, versions, files]


def _font_fingerprint(config: Config, root: Path) -> list[object]:
    """The CJK font the one-page rule measures with, if any (PR001)."""
    from .pdf.fonts import find_cjk_font

    try:
        settings = config.data.get("print") or {}
        configured = str(settings.get("cjk_font") or "") if isinstance(settings, dict) else ""
        path = find_cjk_font(configured, root)
    except Exception:  # noqa: BLE001 - a bad setting is reported by the check itself
        return ["unknown"]
    if path is None:
        return [None]
    try:
        st = os.stat(path)
    except OSError:
        return [str(path)]
    return [str(path), st.st_size, st.st_mtime_ns]


def run_key(config: Config, root: Path, today: object) -> bytes:
    """What every cached result of one run depends on besides its file."""
    # Not the day: the rules that compare with it are not cacheable.
    parts = [FORMAT, _code_fingerprint(), config.fingerprint,
             _font_fingerprint(config, root)]
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogateescape"),
                           digest_size=16).digest()


def local_key(config: Config, today: object) -> tuple[object, ...]:
    """What the document-scope rules' result depends on besides the file
    (the key a document's ``local_problems`` hold for)."""
    return (today, config.fingerprint)


def cached_key(config: Config, today: object) -> tuple[object, ...]:
    """The key of a document read from the cache: its cacheable rules ran for
    this day and configuration; the uncacheable ones are still to run."""
    return ("cached", *local_key(config, today))


def _uncacheable() -> frozenset[str]:
    from .rules import REGISTRY

    return frozenset(r.id for r in REGISTRY.values() if not r.cacheable)


class DocumentCache:
    """The cache of one knowledge base for one run (see the module's text)."""

    def __init__(self, root: Path, config: Config, today: object) -> None:
        self.root = root
        self.config = config
        self.key = run_key(config, root, today)
        self.marker = cached_key(config, today)
        self.folder = cache_dir(root)
        self._db: sqlite3.Connection | None = None
        self.skip = _uncacheable()
        #: Set while looking up: path -> digest of the file as read.
        self._digests: dict[Path, bytes] = {}

    # -- storage ------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                ignore = self.folder / ".gitignore"
                if not ignore.exists():
                    ignore.write_text("# Written by safetykb: a cache, never committed.\n*\n",
                                      "utf-8")
                    (self.folder / "CACHEDIR.TAG").write_text(
                        "Signature: 8a477f597d28d172789f06886806bc55\n"
                        "# safetykb's cache of checked documents (safe to delete).\n", "utf-8")
                self._db = self._open()
            except sqlite3.OperationalError:
                return None  # locked by another process, or not writable: no cache
            except sqlite3.DatabaseError:
                self._reset()  # not a database (damaged): start again, once
                try:
                    self._db = self._open()
                except sqlite3.Error:
                    return None
            except OSError:
                return None
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.folder / _DB, timeout=2.0)
        try:
            db.execute("CREATE TABLE IF NOT EXISTS doc (relpath TEXT PRIMARY KEY, "
                       "digest BLOB NOT NULL, body_len INTEGER NOT NULL, data BLOB NOT NULL)")
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _rows_for(self, relpaths: list[str]) -> dict[str, tuple[bytes, bytes, int]]:
        """The stored rows of ``relpaths``: all rows in one pass when most are
        wanted (a whole check), else one query each (a preview's rebuild)."""
        db = self._connect()
        if db is None or not relpaths:
            return {}
        query = "SELECT relpath, digest, body_len, data FROM doc"
        try:
            rows: Iterable[tuple[str, bytes, int, bytes]]
            if len(relpaths) > 64:
                rows = db.execute(query)
            else:
                rows = (row for r in relpaths
                        for row in db.execute(query + " WHERE relpath = ?", (r,)))
            return {relpath: (digest, data, body_len)
                    for relpath, digest, body_len, data in rows}
        except sqlite3.OperationalError:
            return {}
        except sqlite3.DatabaseError:
            self._reset()
            return {}

    def _reset(self) -> None:
        """A damaged cache file: start again with an empty one."""
        if self._db is not None:
            self._db.close()
            self._db = None
        with contextlib.suppress(OSError):
            (self.folder / _DB).unlink(missing_ok=True)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- use ----------------------------------------------------------------
    def _digest(self, relpath: str, data: bytes) -> bytes:
        h = hashlib.blake2b(self.key, digest_size=20)
        h.update(relpath.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        h.update(data)
        return h.digest()

    def lookup(self, paths: Iterable[Path], relpath_of: dict[Path, str]
               ) -> tuple[dict[Path, Document], list[Path]]:
        """Documents found in the cache (their document-scope problems set,
        the uncacheable rules' still to run) and the paths to read afresh."""
        paths = list(paths)
        rows = self._rows_for([relpath_of[p] for p in paths])
        limit = self.config.limit("max_file_bytes")
        hits: dict[Path, Document] = {}
        misses: list[Path] = []
        for path in paths:
            relpath = relpath_of[path]
            try:
                st = path.lstat()
                if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
                    misses.append(path)  # links and huge files: always read afresh
                    continue
                data = path.read_bytes()
            except OSError:
                misses.append(path)
                continue
            digest = self._digest(relpath, data)
            self._digests[path] = digest
            row = rows.get(relpath)
            doc = _restore(row, digest, data, path) if row is not None else None
            if doc is not None:
                doc.local_key = self.marker
            if doc is None:
                misses.append(path)
            else:
                hits[path] = doc
        return hits, misses

    def store(self, docs: Iterable[Document]) -> None:
        """Keep ``docs`` (as just read and checked for this run)."""
        rows = []
        for doc in docs:
            digest = self._digests.get(doc.path)
            if digest is None or doc.local_problems is None or not doc.text.endswith(doc.body):
                continue
            problems = [p for p in doc.local_problems if p.rule not in self.skip]
            saved = (doc.text, doc.body, doc.local_problems, doc.local_key, doc.block_tokens)
            doc.text, doc.body, doc.local_problems, doc.local_key = "", "", None, None
            doc.block_tokens = None
            try:
                data = pickle.dumps((doc, problems), protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                doc.text, doc.body, doc.local_problems, doc.local_key, doc.block_tokens = saved
            rows.append((doc.relpath, digest, len(doc.body), data))
        if not rows:
            return
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO doc VALUES (?, ?, ?, ?)", rows)
        except sqlite3.Error:
            pass  # another process holds the cache, or it is damaged: next time

    def forget_except(self, relpaths: set[str]) -> None:
        """Drop the entries of files that are gone."""
        db = self._connect()
        if db is None:
            return
        try:
            gone = [row for row in db.execute("SELECT relpath FROM doc")
                    if row[0] not in relpaths]
            if gone:
                with db:
                    db.executemany("DELETE FROM doc WHERE relpath = ?", gone)
        except sqlite3.OperationalError:
            pass  # another process holds the cache: next time
        except sqlite3.DatabaseError:
            self._reset()


def _restore(row: tuple[bytes, bytes, int], digest: bytes, data: bytes,
             path: Path) -> Document | None:
    stored_digest, blob, body_len = row
    if stored_digest != digest:
        return None
    try:
        doc, problems = pickle.loads(blob)
    except Exception:  # noqa: BLE001 - a damaged entry is a miss
        return None
    if not isinstance(doc, Document):
        return None
    try:
        text = data.decode("utf-8-sig")  # as the loader decodes (safetykb.loader.decode)
    except UnicodeDecodeError:
        text = ""  # the loader kept no text either (FL001 is in the problems)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) < body_len or not isinstance(problems, list) \
            or not all(isinstance(p, Problem) for p in problems):
        return None
    doc.text = text
    doc.body = text[len(text) - body_len:] if body_len else ""
    doc.path = path
    doc.local_problems = problems
    return doc
