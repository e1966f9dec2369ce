"""The document register: one row per controlled document."""

from __future__ import annotations

import csv
import io
import json

from .current import is_current
from .model import KnowledgeBase

COLUMNS = ("id", "title", "type", "revision", "status", "owner", "approved_by",
           "effective", "review_due", "superseded_by", "path", "last_changed",
           "next_revision", "next_effective")


def register_rows(kb: KnowledgeBase, everything: bool = False) -> list[dict[str, str]]:
    """Rows sorted by id; only current documents unless ``everything``.
    ``next_revision`` and ``next_effective`` name a revision approved to take
    effect later (empty when there is none)."""
    from .history import kb_history  # imports this module

    # Date of the last commit that touched the file ("" outside git).
    changed = kb_history(kb.root, kb.config.content_dirs).last_changed
    rows = []
    for doc in kb.documents:
        if not doc.fm_ok or not doc.id or not (everything or is_current(doc)):
            continue
        row = {c: "" if doc.meta.get(c) is None else str(doc.meta.get(c)) for c in COLUMNS}
        row["path"] = doc.relpath
        row["last_changed"] = changed.get(doc.relpath, "")
        # A revision approved to take effect later (safetykb.effective): the
        # row is the revision in force, these name the one that replaces it.
        coming = doc.next_revision or (doc if doc.takes_effect else None)
        row["next_revision"] = str(coming.meta.get("revision", "")) if coming else ""
        row["next_effective"] = coming.takes_effect or "" if coming else ""
        rows.append(row)
    return sorted(rows, key=lambda r: r["id"])


def md_cell(value: object) -> str:
    """``value`` as text safe inside one Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


#: First characters that make a spreadsheet read a CSV cell as a formula
#: (OWASP "CSV injection"): ``=HYPERLINK(...)`` in a title would run when the
#: register is opened in Excel or LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """``value`` safe in a spreadsheet: a leading formula character is
    escaped with a single quote, as OWASP recommends; other cells unchanged."""
    return "'" + value if value.startswith(FORMULA_START) else value


def format_register(rows: list[dict[str, str]], fmt: str) -> str:
    """The register as JSON, CSV (formula-safe, see :func:`csv_cell`) or a
    Markdown table."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        # CRLF, as RFC 4180 and spreadsheets expect; with "\n" the csv module would
        # not quote a cell holding a carriage return, which splits the row.
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({c: csv_cell(row[c]) for c in COLUMNS} for row in rows)
        return out.getvalue()
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(md_cell(r[c]) for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines) + "\n"
