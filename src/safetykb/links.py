"""Where a document's relative links lead on the published site.

One resolver serves LK003 (which reports a link that would not work) and the
renderer (which writes the working URL), so a link that passes the check is
the link that is published. Pages are published with directory URLs:
``procedures/a/x.md`` at ``procedures/a/x/``. A link may lead to

- another controlled document (``../../checklists/loto/cl-loto-001.md``), with
  an optional ``#anchor`` that must be one of its headings;
- an ordinary page of the site, written as the file in ``docs/``
  (``../../docs/glossary.md``) or as the site path (``../../glossary.md``);
- an attachment in the content folders (a picture, a PDF form), which the
  build publishes next to the page.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .markdown import slugify
from .model import Document, KnowledgeBase

#: Attachments a document may link to; the build publishes them. SVG is not
#: among them: opened on its own, an SVG file runs its scripts on the site.
ATTACHMENT_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf"})


def page_dir(relpath: str) -> str:
    """The folder URL a page is published at, with directory URLs:
    ``procedures/a/x.md`` -> ``procedures/a/x/``, ``a/index.md`` -> ``a/``
    (``README.md`` is an index page to MkDocs too)."""
    stem = relpath[:-3] if relpath.endswith(".md") else relpath
    for index in ("index", "README"):
        if stem == index or stem.endswith("/" + index):
            stem = stem[: -len(index)]
            break
    return stem.rstrip("/") + "/" if stem else ""


def upcoming_uri(relpath: str) -> str:
    """Where the approved revision of ``relpath`` is published while the one
    before it is in force: beside its page, at the same depth, so that the
    links of its body resolve as they do from the document (``a/x.md`` ->
    ``a/x.next.md``, published at ``a/x.next/``; an index page ``a/index.md``,
    published at ``a/``, -> ``a.next.md``)."""
    folder = page_dir(relpath).rstrip("/")
    if folder and relpath[:-3].rsplit("/", 1)[-1] in ("index", "README"):
        return f"{folder}.next.md"
    stem = relpath[:-3] if relpath.endswith(".md") else relpath
    return f"{stem}.next.md"


def relative_url(from_uri: str, to_dir: str) -> str:
    """Relative URL from the page of ``from_uri`` to the site folder ``to_dir``."""
    here = page_dir(from_uri) or "."
    rel = posixpath.relpath(to_dir or ".", here)
    return "./" if rel == "." else rel + "/"


def anchors(doc: Document) -> list[str]:
    """The anchor ids of ``doc``'s ``##`` and ``###`` headings, as the renderer
    writes them (the same slugs, numbered when repeated)."""
    seen: list[str] = []
    for level, text, _line in doc.headings:
        if level not in (2, 3):
            continue
        slug = base = slugify(text)
        n = 1
        while slug in seen:
            slug = f"{base}-{n}"
            n += 1
        seen.append(slug)
    return seen


@dataclass(frozen=True)
class Resolved:
    """What one link target is.

    ``kind``: ``external`` (has a scheme), ``anchor`` (``#x`` in this page),
    ``document``, ``page`` (an ordinary site page), ``file`` (an attachment),
    or ``broken``, with ``message`` saying why. ``uri`` is the site source
    path (``procedures/x.md``, ``glossary.md``) or the attachment's path.
    """

    kind: str
    uri: str = ""
    fragment: str = ""
    message: str = ""
    target: Document | None = None


def _split(target: str) -> tuple[str, str]:
    path, _, fragment = target.partition("#")
    return unquote(path.split("?", 1)[0]), fragment


def resolve(kb: KnowledgeBase, doc: Document, target: str) -> Resolved:
    """Where ``target``, written in ``doc``, leads on the site."""
    from .rules._links import has_scheme  # the one definition of "has a scheme"

    stripped = target.strip()
    if has_scheme(stripped) or stripped.startswith("//"):
        return Resolved("external")
    path, fragment = _split(stripped)
    if not path:
        if fragment and fragment not in anchors(doc):
            return Resolved("broken", fragment=fragment,
                            message=f"anchor '#{fragment}' is not a heading of this document")
        return Resolved("anchor", fragment=fragment)
    if path.startswith(("/", "\\")):
        return Resolved("broken", message="is an absolute path; use a path relative to "
                                          "this file")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(doc.relpath), path))
    if joined == ".." or joined.startswith("../"):
        return Resolved("broken", message="points outside the knowledge base")
    by_path = kb.by_path()
    if joined in by_path:
        other = by_path[joined]
        if fragment and fragment not in anchors(other):
            return Resolved("broken", joined, fragment,
                            f"anchor '#{fragment}' is not a heading of {joined}")
        return Resolved("document", joined, fragment, target=other)
    root: Path = kb.root
    disk = root / joined
    docs_dir = str(kb.config.data.get("docs_dir", "docs")).strip("/")
    site_path = joined[len(docs_dir) + 1:] if joined.startswith(docs_dir + "/") else None
    if joined.endswith(".md"):
        if site_path is not None and disk.is_file():
            return Resolved("page", site_path, fragment)
        if (root / docs_dir / joined).is_file():
            return Resolved("page", joined, fragment)
        return Resolved("broken", message=f"does not exist (looked for {joined})")
    if disk.is_dir():
        return Resolved("broken", message=f"is a folder ({joined}); link to a document in it")
    if not disk.is_file():
        return Resolved("broken", message=f"does not exist (looked for {joined})")
    if site_path is not None:
        return Resolved("page", site_path, fragment)
    suffix = posixpath.splitext(joined)[1].lower()
    if suffix not in ATTACHMENT_TYPES:
        return Resolved("broken", message=f"is a {suffix or 'extensionless'} file, which the "
                                          "site does not publish; attach "
                                          f"{', '.join(sorted(ATTACHMENT_TYPES))} files")
    return Resolved("file", joined, fragment)


def href(doc: Document, resolved: Resolved) -> str | None:
    """The URL to write in ``doc``'s page for a resolved target (None: leave
    the link as written)."""
    frag = f"#{resolved.fragment}" if resolved.fragment else ""
    if resolved.kind in ("document", "page"):
        return relative_url(doc.relpath, page_dir(resolved.uri)) + frag
    if resolved.kind == "file":
        here = page_dir(doc.relpath) or "."
        return posixpath.relpath(resolved.uri, here) + frag
    return None


def attachments(kb: KnowledgeBase, published: set[str]) -> set[str]:
    """Attachment files that the published documents (by path) link to."""
    from .rules._links import targets

    out: set[str] = set()
    for doc in kb.documents:
        if doc.relpath not in published:
            continue
        for target, _line, _kind in targets(doc):
            resolved = resolve(kb, doc, target)
            if resolved.kind == "file":
                out.add(resolved.uri)
    return out
