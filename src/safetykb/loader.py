"""Files to documents: front matter with line numbers, body structure.

Reading never raises on bad input: what cannot be read is recorded on the
document as a problem for the front-matter and file rules to report (FM001,
FM002, FM006, FL001, FL002). The body is tokenised once with markdown-it-py
(CommonMark) and reduced to the structure the rules and outputs need:
sections, lists, checklist items, raw HTML and links.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from markdown_it.token import Token

from .cache import DocumentCache
from .config import Config
from .markdown import block_parser_for, parser
from .model import (
    Document,
    HtmlFragment,
    Item,
    KnowledgeBase,
    Link,
    ListBlock,
    ListEntry,
    Problem,
    Section,
)

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe loader that keeps dates as text: the schema checks them, so that an
    impossible date such as 2026-02-30 is a rule message, not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

# Block structure only: inline parsing is most of the rest of markdown-it's
# time and is needed only where a paragraph may hold a link or raw HTML; those
# few are parsed inline on demand (_inline_scan).
_MD = parser(inline=False)
_INLINE_MD = parser()
_MAY_HOLD_LINKS = re.compile(r"<|\]\s*[(\[]|\]$|\]\s")
_TASK_RE = re.compile(r"^\[([ xX])\]\s+")
_FIRST_LINE = re.compile(r"---[ \t]*(?:\n|$)")
_CLOSING_LINE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
CRITICAL_MARK = "(!)"

# Rule ids the loader reports through (the modules in rules/ document them).
NO_FRONT_MATTER = "FM001"
YAML_SYNTAX = "FM002"
YAML_ALIAS = "FM006"
UNREADABLE = "FL001"
TOO_LARGE = "FL002"
OUTSIDE_LINK = "FL003"
LINE_ENDINGS = "FL004"


def _record(doc: Document, rule: str, line: int, message: str, column: int = 1) -> None:
    doc.load_problems.append(Problem(doc.relpath, line, column, rule, "", message))


def decode(doc: Document, data: bytes) -> str | None:
    """UTF-8 text of ``data`` (a BOM is allowed), or None with FL001 recorded."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        _record(doc, UNREADABLE, line,
                f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        _record(doc, LINE_ENDINGS, 1, "the file starts with a byte-order mark (BOM); "
                                      "save it as UTF-8 without BOM (safetykb check --fix "
                                      "removes it)")
    if "\r" in text:
        crlf = text.count("\r\n")
        lone = text.count("\r") - crlf
        line = text[: text.index("\r")].count("\n") + 1
        lf_only = text.count("\n") - crlf
        kinds = [k for k, n in (("CRLF", crlf), ("CR", lone), ("LF", lf_only)) if n]
        kind = {"CRLF": "Windows (CRLF)", "CR": "old Mac (CR)"}.get(kinds[0], "") \
            if len(kinds) == 1 else "mixed " + "/".join(kinds)
        _record(doc, LINE_ENDINGS, line, f"{kind} line endings; save the file with "
                                         "Unix (LF) line endings (safetykb check --fix "
                                         "converts them)")
        # CRLF and lone CR become LF, so line numbers match what editors show.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _walk_nodes(root: yaml.Node) -> bool:
    """True when the node graph shares a node (an alias). Visits each node
    once, so an alias bomb costs no more than its text."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return False


def parse_front_matter(doc: Document, text: str, config: Config) -> None:
    """Split ``text`` into front matter and body; load the YAML keeping lines."""
    first = _FIRST_LINE.match(text)
    if first is None:
        doc.body, doc.body_line = text, 1
        _record(doc, NO_FRONT_MATTER, 1,
                "no front matter: the file must start with a '---' line, the YAML "
                "fields (id, title, type, ...), and a closing '---' line")
        return
    close = _CLOSING_LINE.search(text, first.end())
    if close is None:
        doc.body, doc.body_line = "", text.count("\n") + 2
        _record(doc, NO_FRONT_MATTER, 1,
                "front matter is not closed: expected a '---' line after the fields")
        return
    end = text.count("\n", 0, close.start())  # 0-based line of the closing '---'
    doc.fm_start, doc.fm_end = 1, end + 1
    doc.body = text[close.end() + 1:]
    doc.body_line = end + 2
    fm_text = text[first.end():close.start()].rstrip("\n")
    if len(fm_text.encode("utf-8")) > config.limit("max_front_matter_bytes"):
        _record(doc, TOO_LARGE, 1,
                f"front matter is {len(fm_text.encode('utf-8'))} bytes; the limit is "
                f"{config.limit('max_front_matter_bytes')} (limits.max_front_matter_bytes)")
        return
    if not fm_text.strip():
        _record(doc, NO_FRONT_MATTER, 1,
                "front matter is empty: expected the fields id, title, type, revision, "
                "status and owner")
        return
    loader = _Loader(fm_text)
    try:
        node = loader.get_single_node()
        if node is None:
            _record(doc, NO_FRONT_MATTER, 1, "front matter is empty (only comments): "
                    "expected the fields id, title, type, revision, status and owner")
            return
        # An alias is written with '*': without one no node can be shared.
        if "*" in fm_text and _walk_nodes(node):
            _record(doc, YAML_ALIAS, _alias_line(fm_text),
                    "YAML anchors and aliases (&name, *name) are not allowed in front "
                    "matter: write each value out")
            return
        if not isinstance(node, yaml.MappingNode):
            _record(doc, NO_FRONT_MATTER, node.start_mark.line + 2,
                    f"front matter must be a mapping of fields (key: value), got a "
                    f"{'list' if isinstance(node, yaml.SequenceNode) else 'single value'}")
            return
        meta_lines: dict[str, int] = {}
        for key_node, _value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 2
            if not isinstance(key, str):
                continue
            if key in meta_lines:
                doc.duplicate_keys.append((key, line))
            else:
                meta_lines[key] = line
        doc.meta_lines = meta_lines
        try:
            data = loader.construct_document(node)
        except (ValueError, TypeError, OverflowError) as exc:
            line, key = _failing_value(loader, node)
            reason = str(exc).splitlines()[0].split(";")[0][:100]
            _record(doc, YAML_SYNTAX, line, f"the value of '{key}' cannot be read ({reason}); "
                                            "expected a plain value such as a short number, "
                                            "a date or text")
            return
    except yaml.MarkedYAMLError as exc:
        line, column, what = _yaml_error(exc, fm_text)
        _record(doc, YAML_SYNTAX, line, f"YAML syntax error: {what}", column)
        return
    except yaml.reader.ReaderError as exc:
        line = fm_text[: exc.position].count("\n") + 2
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        _record(doc, YAML_SYNTAX, line, f"YAML syntax error: control character "
                                        f"U+{ord(char):04X} is not allowed; delete it")
        return
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        _record(doc, YAML_SYNTAX, 2, f"YAML error: {str(exc).splitlines()[0]}")
        return
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        _record(doc, NO_FRONT_MATTER, 2, "front matter must be a mapping of fields")
        return
    doc.meta = {str(k): v for k, v in data.items()}
    doc.meta_lines = meta_lines
    doc.fm_ok = True


def _yaml_error(exc: yaml.MarkedYAMLError, fm_text: str) -> tuple[int, int, str]:
    """File line, column and a one-line explanation of a YAML syntax error.

    At the end of the YAML ("unexpected end of stream", an unclosed quote or
    bracket) the place that opened the construct (the context mark) is where
    the mistake is; elsewhere it is the problem mark.
    """
    problem = exc.problem or "invalid YAML"
    mark = exc.problem_mark
    if exc.context_mark is not None and (mark is None or "end of stream" in problem):
        mark = exc.context_mark
    line = mark.line + 2 if mark else 2
    column = mark.column + 1 if mark else 1
    what = f"{exc.context}: {problem}" if exc.context else problem
    if "end of stream" in problem and exc.context and "quoted" in exc.context:
        what = "a quoted value is never closed: add the closing quote"
    lines = fm_text.split("\n")
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
        what += " (use spaces, not tabs, to indent YAML)"
    elif "mapping values are not allowed" in problem and mark is not None \
            and mark.line < len(lines):
        text = lines[mark.line]
        first = text.find(": ")
        if text[:1].isspace():
            # `  owner: x` under `title: y`: an indented key, not a colon in a value.
            what += " (check the indentation: top-level fields start at the line's start)"
        elif 0 <= first < mark.column:
            # `title: Hot work: permits` — a second colon in a plain value.
            key = text[:first].strip().removeprefix("- ").strip()
            what += f" (a value with ': ' in it must be quoted: {key}: \"...\")"
    return line, column, what


def _failing_value(loader: Any, node: yaml.MappingNode) -> tuple[int, str]:
    """File line and key of the first top-level value that cannot be constructed."""
    for key_node, value_node in node.value:
        try:
            loader.construct_object(value_node, deep=True)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError):
            return int(key_node.start_mark.line) + 2, str(key_node.value)[:40]
    return 2, "?"


def _alias_line(fm_text: str) -> int:
    """File line of the first anchor or alias; only called once one was found."""
    try:
        for token in yaml.scan(fm_text, Loader=_BaseLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                return int(token.start_mark.line) + 2
    except yaml.YAMLError:
        pass
    return 2


def _inline_scan(doc: Document, token: Token, line: int, env: dict[str, Any]) -> None:
    """Links, images and raw HTML of one inline token (parsed only if it may
    hold any: a '<', or a ']' followed by '(' or '[' or standing alone for a
    reference link)."""
    # A reference link (``See [manual].``) needs no '(' or '[' after its ']'.
    # (``in`` first: most paragraphs have neither '<' nor ']'.)
    content = token.content
    if "]" not in content and "<" not in content:
        return
    if not env.get("references"):
        # A task box ("[ ] ", "[x] ") is never a link without a reference
        # definition: what follows it decides.
        task = _TASK_RE.match(content)
        if task is not None:
            content = content[task.end():]
        if not _MAY_HOLD_LINKS.search(content):
            return
    children = _INLINE_MD.parseInline(token.content, env)[0].children or []
    for child in children:
        if child.type == "html_inline":
            doc.html.append(HtmlFragment(child.content, line))
        elif child.type == "link_open":
            doc.links.append(Link(str(child.attrs.get("href", "")), line))
        elif child.type == "image":
            doc.links.append(Link(str(child.attrs.get("src", "")), line, image=True))
        elif child.type == "softbreak":
            line += 1


def parse_body(doc: Document) -> None:
    """Reduce the body's tokens to sections, lists, items, HTML and links."""
    offset = doc.body_line
    env: dict[str, Any] = {}
    tokens = block_parser_for(doc.body).parse(doc.body, env)
    doc.block_tokens = tokens
    section: Section | None = None
    # The top-level list being read and its entry being filled; nested lists
    # add their items to that entry as children.
    list_depth = 0
    block: ListBlock | None = None
    entry: ListEntry | None = None
    in_item_first_para = False
    heading_level = 0
    last_line = offset + max(doc.body.count("\n"), 0)

    def line_of(tok: Token) -> int:
        return (tok.map[0] if tok.map else 0) + offset

    for tok in tokens:
        t = tok.type
        if t == "heading_open":
            heading_level = int(tok.tag[1])
        elif t == "heading_close":
            heading_level = 0
        elif t == "inline" and heading_level:
            text = tok.content.strip()
            ln = line_of(tok)
            doc.headings.append((heading_level, text, ln))
            if heading_level == 1:
                doc.h1.append((text, ln))
            elif heading_level == 2:
                if section is not None:
                    section.end_line = ln - 1
                section = Section(title=text, line=ln, end_line=last_line)
                doc.sections.append(section)
            elif section is not None:
                section.subheadings.append((heading_level, text, ln))
            _inline_scan(doc, tok, ln, env)
        elif t in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            if list_depth == 1:
                block = ListBlock(ordered=t == "ordered_list_open", line=line_of(tok))
                (section.lists if section is not None else doc.preamble_lists).append(block)
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if list_depth == 0:
                block, entry = None, None
        elif t == "list_item_open":
            in_item_first_para = True
            if list_depth == 1 and block is not None:
                # Every entry counts, an empty one too: the page shows it.
                entry = ListEntry(text="", line=line_of(tok),
                                  number=int(tok.info) if tok.info.isdigit() else None)
                block.items.append(entry)
        elif t == "inline":
            ln = line_of(tok)
            _inline_scan(doc, tok, ln, env)
            text = tok.content
            if list_depth and in_item_first_para:
                in_item_first_para = False
                task = _TASK_RE.match(text)
                if task:
                    rest = text[task.end():].strip()
                    critical = rest.startswith(CRITICAL_MARK)
                    if critical:
                        rest = rest[len(CRITICAL_MARK):].strip()
                    item = Item(text=rest, line=ln, critical=critical, depth=list_depth - 1)
                    (section.items if section is not None else doc.preamble_items).append(item)
                if list_depth == 1 and entry is not None:
                    entry.text, entry.line = text, ln
                elif entry is not None:
                    entry.children.append((text, ln))
            elif list_depth and entry is not None:
                entry.children.append((text, ln))
            elif section is not None:
                section.paragraphs.append((text, ln))
        elif t == "html_block":
            doc.html.append(HtmlFragment(tok.content, line_of(tok)))
        elif t in ("fence", "code_block"):
            if tok.map:
                doc.code_lines.update(range(tok.map[0] + offset, tok.map[1] + offset))
            if list_depth:
                in_item_first_para = False


def relpath_of(path: Path, root: Path) -> str:
    """The path of a document as problems and pages name it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@functools.lru_cache(maxsize=16)
def _content_bases(content_dirs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(posixpath.normpath(d.replace("\\", "/")).strip("/") or "."
                 for d in content_dirs)


def content_dir_of(relpath: str, content_dirs: Iterable[str]) -> str | None:
    """The content folder (as configured, normalised) that holds ``relpath``:
    the deepest one, ``.`` for the root; None when none does."""
    best: str | None = None
    for base in _content_bases(tuple(content_dirs)):
        inside = base == "." or relpath == base or relpath.startswith(base + "/")
        if inside and (best is None or best == "." or len(base) > len(best)):
            best = base
    return best


def load_document(path: Path, root: Path, config: Config) -> Document:
    """Read one file into a :class:`Document`; never raises on bad content."""
    doc = Document(path=path, relpath=relpath_of(path, root), text="")
    doc.content_dir = content_dir_of(doc.relpath, config.content_dirs)
    if path.is_symlink():
        try:
            target = path.resolve()
            if target.is_relative_to(root.resolve()):
                target = path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            _record(doc, UNREADABLE, 1, f"symbolic link that cannot be followed "
                                        f"({getattr(exc, 'strerror', None) or exc}); "
                                        "replace it with the file")
            return doc
        if not target.is_relative_to(root.resolve()):
            _record(doc, OUTSIDE_LINK, 1, f"symbolic link to {target}, outside the knowledge "
                                          "base; copy the file in instead")
            return doc
    try:
        size = path.stat().st_size
        if size > config.limit("max_file_bytes"):
            _record(doc, TOO_LARGE, 1,
                    f"file is {size} bytes; the limit is {config.limit('max_file_bytes')} "
                    "(limits.max_file_bytes): split the document")
            return doc
        data = path.read_bytes()
    except OSError as exc:
        _record(doc, UNREADABLE, 1, f"cannot read the file: {exc.strerror or exc}")
        return doc
    text = decode(doc, data)
    if text is None:
        return doc
    doc.text = text
    max_line = config.limit("max_line_chars")
    if len(text) > max_line:
        long_line = re.search(rf"^[^\n]{{{max_line + 1},}}", text, re.M)
        if long_line:
            length = len(long_line.group(0))
            _record(doc, TOO_LARGE, text.count("\n", 0, long_line.start()) + 1,
                    f"line is {length} characters long; the limit is {max_line} "
                    "(limits.max_line_chars): break it up")
    parse_front_matter(doc, text, config)
    parse_body(doc)
    return doc


def discover(root: Path, config: Config, paths: Iterable[Path] | None = None) -> list[Path]:
    """Markdown files of the knowledge base (or under ``paths``), sorted."""
    found: set[Path] = set()
    bases = list(paths) if paths else [root / d for d in config.content_dirs]
    for base in bases:
        if base.is_symlink() and not base.resolve().is_relative_to(root.resolve()):
            found.add(base)  # a content folder linked to outside: reported, not walked
            continue
        if base.is_file():
            found.add(base)
            continue
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            # os.walk does not enter linked folders; one that leads outside is reported.
            for name in dirnames:
                linked = Path(dirpath) / name
                if linked.is_symlink() and not linked.resolve().is_relative_to(root.resolve()):
                    found.add(linked)
            for name in filenames:
                if name.endswith(".md") and not name.startswith("."):
                    found.add(Path(dirpath) / name)
    return sorted(found)


#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200


#: Environment: how many worker processes at the most (1: stay in one process).
JOBS_ENV = "SAFETYKB_JOBS"


def worker_count(count: int, threshold: int = PARALLEL_THRESHOLD) -> int:
    """How many forked worker processes to share ``count`` independent tasks
    among: the CPU count (at most 8, or ``$SAFETYKB_JOBS``), 1 below
    ``threshold`` tasks (starting workers would cost more than it saves) or
    where ``fork`` does not exist."""
    wanted = os.environ.get(JOBS_ENV, "")
    jobs = int(wanted) if wanted.isdigit() and int(wanted) > 0 else (os.cpu_count() or 1)
    if count < threshold or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(jobs, 8)


Progress = Callable[[int, int], None]

#: Run in the worker right after a chunk of documents is loaded (the linter
#: runs the document-scope rules there). Must be picklable: a module-level
#: function or a functools.partial of one.
Prepare = Callable[[list[Document], Path, Config], None]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while documents are read.

    Reading thousands of documents makes millions of small objects (tokens,
    sections, items) and almost no reference cycles, yet every 700
    allocations Python's collector walks the young objects, and ever more
    often the old ones: about half of a 5000-document check. Reference
    counting still frees what is dropped; the collector runs again after.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Fork worker processes inside this: the objects that exist now are left
    out of every later cyclic collection (``gc.freeze``), so a worker's
    collections do not walk, and so copy page by page, the heap it inherits.
    The parent's objects are collected as before once the workers are
    started."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _load_chunk(args: tuple[list[Path], Path, Config, Prepare | None]) -> list[Document]:
    with paused_gc():
        return _load_chunk_now(args)


def _load_chunk_now(args: tuple[list[Path], Path, Config, Prepare | None]) -> list[Document]:
    paths, root, config, prepare = args
    docs = [load_document(path, root, config) for path in paths]
    if prepare is not None:
        prepare(docs, root, config)
    for doc in docs:  # needed by the rules only: not kept, not sent between processes
        doc.block_tokens = None
    return docs


def load_documents(paths: list[Path], root: Path, config: Config,
                   progress: Progress | None = None,
                   prepare: Prepare | None = None) -> list[Document]:
    """Load ``paths`` in order; on large knowledge bases, on every core.

    Parsing Markdown is most of the time of ``check``; documents are
    independent, so they are parsed (and ``prepare`` is run on them) in forked
    worker processes (set ``SAFETYKB_JOBS=1`` to stay in one process).
    """
    with paused_gc():
        return _load_documents_now(paths, root, config, progress, prepare)


def _load_documents_now(paths: list[Path], root: Path, config: Config,
                        progress: Progress | None, prepare: Prepare | None) -> list[Document]:
    jobs = worker_count(len(paths))
    size = max(1, -(-len(paths) // (jobs * 8)))
    chunks = [(paths[i:i + size], root, config, prepare) for i in range(0, len(paths), size)]
    docs: list[Document] = []
    if jobs == 1:
        results: Iterable[list[Document]] = map(_load_chunk, chunks)
        for chunk in results:
            docs.extend(chunk)
            if progress:
                progress(len(docs), len(paths))
        return docs
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for chunk in pool.imap(_load_chunk, chunks):
            docs.extend(chunk)
            if progress:
                progress(len(docs), len(paths))
    return docs


#: Documents of earlier loads in this process, for a live preview that rebuilds
#: on every change: path -> (file state and configuration, document).
_CACHE: dict[Path, tuple[tuple[object, ...], Document]] = {}


def _state(path: Path, fingerprint: str) -> tuple[object, ...] | None:
    try:
        st = path.lstat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, fingerprint)


def _load_stored(paths: list[Path], root: Path, config: Config, progress: Progress | None,
                 prepare: Prepare | None, store: DocumentCache | None) -> list[Document]:
    """:func:`load_documents`, taking what ``store`` (the cache between runs)
    holds and keeping there what was read afresh."""
    if store is None or not paths:
        return load_documents(paths, root, config, progress, prepare)
    names = {path: relpath_of(path, root) for path in paths}
    with paused_gc():
        hits, misses = store.lookup(paths, names)
    loaded = load_documents(misses, root, config, progress, prepare)
    store.store(loaded)
    fresh = dict(zip(misses, loaded, strict=True))
    return [hits[p] if p in hits else fresh[p] for p in paths]


def load_kb(root: Path, config: Config, paths: Iterable[Path] | None = None,
            cache: bool = False, progress: Progress | None = None,
            prepare: Prepare | None = None,
            store: DocumentCache | None = None) -> KnowledgeBase:
    """Load every document of the knowledge base at ``root``.

    With ``paths``, only those files (or folders) are checked, but the whole
    knowledge base is still loaded so that cross-document rules (duplicate ids,
    references) see every document. With ``cache``, files unchanged since an
    earlier load in this process (same modification time, size and
    configuration) are not read again. With ``store`` (see
    :mod:`safetykb.cache`), documents unchanged since an earlier run are
    taken from it instead of being read and checked again.
    """
    kb = KnowledgeBase(root=root, config=config)
    found = discover(root, config)
    if paths:
        known = {p.resolve() for p in found}
        found += [p for p in discover(root, config, paths) if p.resolve() not in known]
    if store is not None:
        store.forget_except({relpath_of(p, root) for p in found})
    if not cache:
        kb.documents = _load_stored(found, root, config, progress, prepare, store)
        return kb
    fingerprint = f"{root}\n{config.fingerprint}"  # relpath depends on the root
    states = {path: _state(path, fingerprint) for path in found}
    stale = [p for p in found if states[p] is None or _CACHE.get(p, ((),))[0] != states[p]]
    loaded = _load_stored(stale, root, config, progress, prepare, store)
    for path, doc in zip(stale, loaded, strict=True):
        _CACHE[path] = (states[path] or (), doc)
    kb.documents = [_CACHE[path][1] for path in found]
    for gone in set(_CACHE) - set(found):
        del _CACHE[gone]
    return kb
