"""The one typed schema of front matter.

Every field a controlled document may carry is declared here once, with its
form, when it is required and what it means. The front-matter rules (FM003
missing field, FM004 bad value, FM005 unknown field), the page header, the
register and ``safetykb schema`` (JSON Schema) all read this table.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The form of an id, for JSON Schema (where ``$`` is the very end of the text).
#: In Python ``$`` also accepts a final newline (``"PROC-HD-001\n"``): ids and
#: dates are matched here with ``fullmatch`` only.
ID_PATTERN = r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$"
_ID_RE = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

TYPES = ("procedure", "action", "checklist")
STATUSES = ("draft", "approved", "superseded", "withdrawn")
MODES = ("read-do", "do-confirm", "inspection")
LANGS = ("en", "zh")


def describe(value: Any) -> str:
    """A short, quoted rendering of a bad value for messages."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (list, dict)):
        return f"a {'list' if isinstance(value, list) else 'mapping'}"
    return repr(value)


def parse_date(value: Any) -> dt.date | None:
    """An ISO ``YYYY-MM-DD`` date, or None if ``value`` is not one."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- value checkers: return None when fine, else what was expected ----------

def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    return "non-empty text"


def _id(value: Any) -> str | None:
    if isinstance(value, str) and _ID_RE.fullmatch(value):
        return None
    return "an id in upper case letters and digits joined by '-', e.g. PROC-HD-001"


def _int_ge_1(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return None
    return "a whole number of at least 1"


def _date(value: Any) -> str | None:
    if parse_date(value) is not None:
        return None
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        return "a real calendar date (this day does not exist)"
    return "an ISO date YYYY-MM-DD"


def _enum(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in choices:
            return None
        close = difflib.get_close_matches(value.strip().lower(), choices, n=1) \
            if isinstance(value, str) else []
        return "one of " + ", ".join(choices) + (f" (did you mean {close[0]!r}?)"
                                                 if close else "")

    return check


def _list_of(item: Callable[[Any], str | None], what: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, list):
            return f"a list of {what}"
        for element in value:
            if item(element) is not None:
                return f"a list of {what}; {describe(element)} is not one"
        return None

    return check


def _waivers(value: Any) -> str | None:
    shape = "a list of mappings with 'rule' (a rule id) and 'reason' (why it is waived)"
    if not isinstance(value, list):
        return shape
    for element in value:
        if not isinstance(element, dict) or set(element) != {"rule", "reason"}:
            return shape
        if not isinstance(element["rule"], str) or _text(element["reason"]) is not None:
            return shape
    return None


@dataclass(frozen=True)
class Field:
    """One front-matter field."""

    name: str
    doc: str
    check: Callable[[Any], str | None]
    json_type: dict[str, Any]
    required: Callable[[dict[str, Any]], bool] = lambda meta: False
    required_when: str = ""
    types: tuple[str, ...] = TYPES


def _always(meta: dict[str, Any]) -> bool:
    return True


def _approved(meta: dict[str, Any]) -> bool:
    return meta.get("status") == "approved"


def _checklist(meta: dict[str, Any]) -> bool:
    return meta.get("type") == "checklist"


def _revised(meta: dict[str, Any]) -> bool:
    rev = meta.get("revision")
    return isinstance(rev, int) and not isinstance(rev, bool) and rev > 1


_STR = {"type": "string", "minLength": 1}
_DATE_JSON = {"type": "string", "format": "date"}
_ID_JSON = {"type": "string", "pattern": ID_PATTERN}
_LIST_STR = {"type": "array", "items": _STR}

FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        Field("id", "Unique, permanent identifier, upper case (PROC-HD-001, ACT-WELD-004, "
              "CL-PRESS-002). Never reused, never renamed.", _id, _ID_JSON, _always, "always"),
        Field("title", "The document's title as shown on the page and the printed sheet.",
              _text, _STR, _always, "always"),
        Field("type", "procedure, action (a standardised operating action) or checklist.",
              _enum(*TYPES), {"enum": list(TYPES)}, _always, "always"),
        Field("revision", "Revision number, at least 1, raised by every approved change.",
              _int_ge_1, {"type": "integer", "minimum": 1}, _always, "always"),
        Field("status", "draft, approved, superseded or withdrawn. Only approved documents "
              "are in force.", _enum(*STATUSES), {"enum": list(STATUSES)}, _always, "always"),
        Field("owner", "The role or department accountable for the content.",
              _text, _STR, _always, "always"),
        Field("approved_by", "Role or name that approved this revision; not the author.",
              _text, _STR, _approved, "status is approved"),
        Field("author", "Who drafted this revision.", _text, _STR),
        Field("effective", "Date this revision takes effect (ISO).",
              _date, _DATE_JSON, _approved, "status is approved"),
        Field("review_due", "Date by which the document must be reviewed; after effective.",
              _date, _DATE_JSON, _approved, "status is approved"),
        Field("applies_to", "Sites, areas, teams or workstations the document applies to.",
              _list_of(_text, "names"), _LIST_STR),
        Field("tags", "Words to find the document by.", _list_of(_text, "words"), _LIST_STR),
        Field("hazards", "Main hazards of the job as short phrases (\"moving ram\", "
              "\"stored energy\"), shown with icons at the top of the page and found by "
              "the search.", _list_of(_text, "phrases"), _LIST_STR),
        Field("ppe", "Personal protective equipment to wear, as short names (\"safety "
              "glasses\", \"gloves\"), shown with icons at the top of the page.",
              _list_of(_text, "names"), _LIST_STR),
        Field("related", "Ids of related documents; each must exist.",
              _list_of(_id, "ids"), {"type": "array", "items": _ID_JSON}),
        Field("superseded_by", "Id of the document that replaces this one.",
              _id, _ID_JSON, lambda m: m.get("status") == "superseded",
              "status is superseded"),
        Field("change_note", "What changed in this revision and why.", _text, _STR,
              _revised, "revision is above 1"),
        Field("lang", "Language of the document: en or zh (default from configuration).",
              _enum(*LANGS), {"enum": list(LANGS)}),
        Field("waivers", "Rules waived for this document, each with the reason: "
              "[{rule: DC002, reason: ...}].", _waivers,
              {"type": "array", "items": {"type": "object", "required": ["rule", "reason"],
                                          "properties": {"rule": _STR, "reason": _STR},
                                          "additionalProperties": False}}),
        Field("mode", "How the checklist is used: read-do, do-confirm or inspection "
              "(Yes / No / N/A answers).", _enum(*MODES), {"enum": list(MODES)},
              _checklist, "type is checklist", ("checklist",)),
        Field("procedure", "Id of the parent procedure or action.", _id, _ID_JSON,
              types=("checklist",)),
        Field("workstation", "Where the printed sheet is posted.", _text, _STR,
              types=("checklist",)),
    ]
}

#: Fields that hold ids of other documents, checked by REF001.
REFERENCE_FIELDS = ("related", "superseded_by", "procedure")


#: The JSON Schema form of each ``required_when`` condition, so that editors
#: ask for the same fields as FM003 (and refuse per-type fields as FM005).
_JSON_CONDITIONS: dict[str, dict[str, Any]] = {
    "status is approved": {"properties": {"status": {"const": "approved"}},
                           "required": ["status"]},
    "status is superseded": {"properties": {"status": {"const": "superseded"}},
                             "required": ["status"]},
    "revision is above 1": {"properties": {"revision": {"type": "integer", "minimum": 2}},
                            "required": ["revision"]},
    "type is checklist": {"properties": {"type": {"const": "checklist"}}, "required": ["type"]},
}


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the front matter, for editors: field
    forms, the fields required always and under a condition (``if``/``then``),
    and the fields only one type of document may carry."""
    from .rules import REGISTRY  # the rules import this module

    props: dict[str, Any] = {}
    for name, f in FIELDS.items():
        form = dict(f.json_type)
        if name == "waivers":
            form["items"] = dict(form["items"], properties=dict(
                form["items"]["properties"], rule={"enum": list(REGISTRY)}))
        # As the rules: an optional field may be left empty (null or "").
        props[name] = (dict(form, description=f.doc) if f.required_when == "always"
                       else {"anyOf": [form, {"enum": [None, ""]}], "description": f.doc})
    conditional: dict[str, list[str]] = {}
    for name, f in FIELDS.items():
        if f.required_when and f.required_when != "always":
            conditional.setdefault(f.required_when, []).append(name)
    filled = {"not": {"enum": [None, ""]}}
    rules: list[dict[str, Any]] = [
        {"if": _JSON_CONDITIONS[when],
         "then": {"required": names, "properties": {n: filled for n in names}}}
        for when, names in conditional.items()]
    for doc_type in TYPES:
        banned = [name for name, f in FIELDS.items() if doc_type not in f.types]
        if banned:
            rules.append({"if": {"properties": {"type": {"const": doc_type}},
                                 "required": ["type"]},
                          "then": {"properties": {name: False for name in banned}}})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "safetykb document front matter",
        "type": "object",
        "properties": props,
        "required": [n for n, f in FIELDS.items() if f.required_when == "always"],
        "additionalProperties": False,
        "allOf": rules,
    }


@functools.cache
def schema_text() -> str:
    """:func:`json_schema` as the text ``safetykb schema`` prints, ``init``
    writes for editors and the site publishes (made once per process: a live
    preview publishes it with every rebuild)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
