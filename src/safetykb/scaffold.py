"""New knowledge bases (``safetykb init``) and new documents (``safetykb new``)."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
import subprocess
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from .config import CONFIG_NAME, Config
from .loader import load_kb
from .model import KnowledgeBase

PREFIXES = {"procedure": "PROC", "action": "ACT", "checklist": "CL"}
_AREA_RE = re.compile(r"[A-Z][A-Z0-9]{0,9}")  # used with fullmatch


class InitError(Exception):
    """The scaffold cannot be written; the message says why."""


def _template_files(base: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for entry in sorted(base.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        rel = f"{prefix}{entry.name}"
        if entry.is_dir():
            out.extend(_template_files(entry, rel + "/"))
        else:
            out.append((rel, entry))
    return out


CONFIG_TEXT = """\
# safetykb configuration of this knowledge base. Only what differs from the
# defaults belongs here, so that new defaults reach this knowledge base when
# safetykb is upgraded; every setting and its default is documented in the
# package's conf/default.yaml and on the site's rule reference page.
extends: default

# Language of documents that do not say `lang:` (en or zh).
lang: en

# Folders that hold controlled documents.
content_dirs: [procedures, checklists]

# Address of the published site: printed sheets carry it as a QR code.
site_url: ""

# Names of the areas in the navigation and on tag pages, by area code (the
# middle part of an id: PROC-LOTO-001 is filed in procedures/loto/). An area
# without a name here shows as its code when it has at most 3 letters (HD),
# else as a folder name (Loto). Added to the default list (GEN: General):
# areas:
#   LOTO: Lockout and tagout
#   PRESS: 冲压车间

# Rule levels (error, warning, off) and options, for example:
# rules:
#   DC002: {level: warning, grace_days: 14}
#   CL003: {max_items: 7}
#   ACT001: {words: [should, may, optionally]}

# Publish drafts too (a review site); by default only `safetykb serve` shows them.
# site:
#   drafts: true

# Rules a document may waive for itself with `waivers:` (security and identity
# rules never belong here).
# waivable: [DC002, CL003]

# Printed sheets: paper size A4, A5 or Letter.
# print:
#   paper: A4
"""


def config_text() -> str:
    """The short, commented ``safetykb.yml`` that ``init`` writes."""
    return CONFIG_TEXT


def init_kb(directory: Path, today: dt.date | None = None) -> list[Path]:
    """Write a complete, minimal knowledge base into ``directory`` (new or empty)."""
    today = today or dt.date.today()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InitError(f"{directory}: exists and is not an empty folder; "
                        "init writes only into a new or empty folder")
    review = today.replace(year=today.year + 1) if not (today.month == 2 and today.day == 29) \
        else today + dt.timedelta(days=365)
    values = {"{{TODAY}}": today.isoformat(), "{{REVIEW}}": review.isoformat()}
    written: list[Path] = []
    template = resources.files("safetykb").joinpath("templates/init")
    for rel, entry in _template_files(template):
        # Packaging drops dot files: the template names them dot-NAME.
        target = directory / (("." + rel[4:]) if rel.startswith("dot-") else rel)
        data = entry.read_bytes()
        if rel.endswith((".md", ".yml", ".yaml")):
            text = data.decode("utf-8")
            for key, value in values.items():
                text = text.replace(key, value)
            data = text.encode("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(target)
    config_path = directory / CONFIG_NAME
    config_path.write_text(config_text(), "utf-8")
    written.append(config_path)
    # For editors (.remarkrc.mjs points at it): the same text as `safetykb schema`.
    from .schema import schema_text

    schema_path = directory / ".safetykb" / "front-matter.schema.json"
    schema_path.parent.mkdir(exist_ok=True)
    schema_path.write_text(schema_text(), "utf-8")
    written.append(schema_path)
    return written


def next_id(existing: set[str], prefix: str, area: str) -> str:
    """The next free id ``PREFIX-AREA-NNN`` after the highest one in use."""
    pattern = re.compile(rf"{re.escape(prefix)}-{re.escape(area)}-([0-9]+)")
    numbers = [int(m.group(1)) for i in existing if (m := pattern.fullmatch(i))]
    return f"{prefix}-{area}-{(max(numbers) + 1 if numbers else 1):03d}"


def git_user(root: Path) -> str | None:
    """``git config user.name`` as seen from ``root``, or None (no git, no name)."""
    try:
        result = subprocess.run(["git", "config", "user.name"], cwd=root, capture_output=True,
                                text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    name = " ".join(result.stdout.split()) if result.returncode == 0 else ""
    return name or None


def document_text(config: Config, doc_type: str, doc_id: str, title: str, lang: str,
                  author: str | None = None) -> str:
    """A draft document of ``doc_type`` with every required section.

    ``author`` is written when known; without it the field is left out (a
    draft may lack it; DC004 asks for it before approval).
    """
    lines = ["---", f"id: {doc_id}", f"title: {json.dumps(title, ensure_ascii=False)}",
             f"type: {doc_type}", "revision: 1", "status: draft", "owner: Safety Department"]
    if author and author.strip():
        lines.append(f"author: {json.dumps(' '.join(author.split()), ensure_ascii=False)}")
    if lang != config.lang:
        lines.append(f"lang: {lang}")
    if doc_type == "checklist":
        lines.append("mode: do-confirm")
    lines += ["---", ""]
    todo = "待补充。" if lang == "zh" else "TODO: write this section."
    if doc_type == "checklist":
        first = "## 开始前" if lang == "zh" else "## Before start"
        item = "(!) 待补充的关键项" if lang == "zh" else "(!) TODO: first critical item"
        lines += [first, "", f"- [ ] {item}", ""]
        return "\n".join(lines)
    steps = config.steps_section(doc_type, lang)
    for name in config.required_sections(doc_type, lang):
        lines += [f"## {name}", ""]
        lines += ["1. " + todo if name == steps else todo, ""]
    return "\n".join(lines)


def area_folder(kb: KnowledgeBase, doc_type: str, area: str) -> str:
    """The folder, relative to the root, for a new document of ``doc_type`` in
    ``area``: where the knowledge base already keeps that type's documents of
    the area (a knowledge base made by an earlier ``init`` has its GEN
    samples in ``procedures/general/``, its actions in ``procedures/actions/``),
    else ``procedures/<area>`` (procedures and their actions, so that the
    area and its print pack are the action's) or ``checklists/<area>``, as
    ``init`` lays out."""
    prefix = f"{PREFIXES[doc_type]}-{area}-"
    folders = sorted(posixpath.dirname(d.relpath) for d in kb.documents
                     if d.id and d.id.startswith(prefix) and d.type == doc_type
                     and posixpath.dirname(d.relpath))
    if folders:
        return max(folders, key=folders.count)
    folder = "checklists" if doc_type == "checklist" else "procedures"
    return f"{folder}/{area.lower()}"


def new_document(root: Path, config: Config, doc_type: str, title: str,
                 area: str | None = None, lang: str | None = None,
                 author: str | None = None) -> tuple[Path, str]:
    """Write a new draft document with the next free id; returns (path, id).

    ``author`` defaults to ``git config user.name`` of the knowledge base; with
    neither, the draft has no ``author`` field.
    """
    area = (area or "GEN").upper()
    if not _AREA_RE.fullmatch(area):
        raise InitError(f"--area {area!r}: expected 1 to 10 upper-case letters or digits, "
                        "starting with a letter, e.g. HD or PRESS")
    if not title.strip():
        raise InitError("the title is empty")
    if author is not None and not author.strip():
        raise InitError("--author is empty; give the name or role of who drafts the document")
    author = author if author is not None else git_user(root)
    kb = load_kb(root, config)
    doc_id = next_id({d.id for d in kb.documents if d.id}, PREFIXES[doc_type], area)
    path = root / area_folder(kb, doc_type, area) / f"{doc_id.lower()}.md"
    if path.exists():
        raise InitError(f"{path}: already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document_text(config, doc_type, doc_id, title.strip(), lang or config.lang,
                                  author), "utf-8")
    return path, doc_id
