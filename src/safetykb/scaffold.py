"""New knowledge bases (``safetykb init``) and new documents (``safetykb new``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from .config import CONFIG_NAME, Config
from .loader import load_kb

PREFIXES = {"procedure": "PROC", "action": "ACT", "checklist": "CL"}
_AREA_RE = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")


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


def config_text() -> str:
    """The documented ``safetykb.yml`` that ``init`` writes: every default, editable."""
    default = resources.files("safetykb").joinpath("conf/default.yaml").read_text("utf-8")
    body = default.split("\n\n", 1)[1] if default.startswith("#") else default
    return ("# safetykb configuration of this knowledge base.\n"
            "# Every setting is shown with its default; change what you need.\n"
            "extends: default\n\n" + body)


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
    return written


def next_id(existing: set[str], prefix: str, area: str) -> str:
    """The next free id ``PREFIX-AREA-NNN`` after the highest one in use."""
    pattern = re.compile(rf"^{re.escape(prefix)}-{re.escape(area)}-(\d+)$")
    numbers = [int(m.group(1)) for i in existing if (m := pattern.match(i))]
    return f"{prefix}-{area}-{(max(numbers) + 1 if numbers else 1):03d}"


def document_text(config: Config, doc_type: str, doc_id: str, title: str, lang: str) -> str:
    """A draft document of ``doc_type`` with every required section."""
    lines = ["---", f"id: {doc_id}", f"title: {json.dumps(title, ensure_ascii=False)}",
             f"type: {doc_type}", "revision: 1", "status: draft", "owner: Safety Department"]
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


def new_document(root: Path, config: Config, doc_type: str, title: str,
                 area: str | None = None, lang: str | None = None) -> tuple[Path, str]:
    """Write a new draft document with the next free id; returns (path, id)."""
    area = (area or "GEN").upper()
    if not _AREA_RE.match(area):
        raise InitError(f"--area {area!r}: expected 1 to 10 upper-case letters or digits, "
                        "starting with a letter, e.g. HD or PRESS")
    if not title.strip():
        raise InitError("the title is empty")
    kb = load_kb(root, config)
    doc_id = next_id({d.id for d in kb.documents if d.id}, PREFIXES[doc_type], area)
    folder = {"procedure": f"procedures/{area.lower()}", "action": "procedures/actions",
              "checklist": f"checklists/{area.lower()}"}[doc_type]
    path = root / folder / f"{doc_id.lower()}.md"
    if path.exists():
        raise InitError(f"{path}: already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document_text(config, doc_type, doc_id, title.strip(), lang or config.lang),
                    "utf-8")
    return path, doc_id
