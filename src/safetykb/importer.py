"""Bringing existing documents in: ``safetykb import``.

A plain Markdown file (as written by hand, exported from Word or another
wiki) or a plain text list becomes a draft controlled document: front matter
with the next free id, the first ``#`` heading as the title, list items as
``- [ ]`` checklist items, CRLF line endings and Word's invisible characters
normalised. Nothing is invented: what the document still lacks (required
sections, an owner's review) is left for the rules to report, and the
command prints it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .loader import load_kb
from .scaffold import PREFIXES, InitError, area_folder, next_id

#: Characters Word and web pages leave behind that readers cannot see.
_INVISIBLE = {"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u200b": "", "\u200c": "",
              "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": ""}
_ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_TASK = re.compile(r"^(\s*)[-*+][ \t]+\[[ xX]\][ \t]+(.*)$")
_BULLET = re.compile(
    r"^(\s*)(?:[-*+\u2022\u00b7\u25aa\u2023\u25e6\u2013\u25cf]|\d{1,3}[.)])[ \t]+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)][ \t]+\S")
#: Legal-clause numbering, (一) or （三）: kept in the item, since it is cited.
_CLAUSE = re.compile(r"^(\s*)((?:[（(][一二三四五六七八九十百]+[）)]|[（(]\d{1,3}[）)]).*)$")
_AREA = re.compile(r"[A-Z][A-Z0-9]{0,9}")
_SETEXT = re.compile(r"^(=+|-+)[ \t]*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FRONT = re.compile(r"^---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)", re.S)
_PAUSE_POINT = {"en": "Checks", "zh": "检查项"}


class ImportFailed(InitError):
    """A file cannot be imported; the message says which and why."""


@dataclass
class Imported:
    """One imported document: where it was written and its id."""

    source: Path
    path: Path
    id: str
    title: str


def read_text(path: Path) -> str:
    """The text of ``path`` (UTF-8, or UTF-16 with a byte-order mark, as Word
    saves "Unicode text"), line endings normalised to LF."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(f"{path}:{line}: not UTF-8 text (byte {data[exc.start]:#04x}); "
                           "save the file as UTF-8 and import it again") from None
    if "\x00" in text:
        raise ImportFailed(f"{path}: a binary file, not text; export it as Markdown or "
                           "plain text first")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean(text: str) -> str:
    """Invisible characters replaced, tabs that indent made spaces, trailing
    blanks dropped, a front matter of another tool removed."""
    for char, repl in _INVISIBLE.items():
        text = text.replace(char, repl)
    text = _FRONT.sub("", text, count=1) if text.startswith("---") else text
    lines: list[str] = []
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" \t"))
        line = line[:indent].replace("\t", "    ") + line[indent:].rstrip()
        underline = _SETEXT.match(line)
        if underline and lines and lines[-1].strip() and not lines[-1].startswith(" ") \
                and not _BULLET.match(lines[-1]) and not _ATX.match(lines[-1]):
            mark = underline.group(1)
            if _is_setext_heading(lines, mark):
                # A setext heading (Title / =====, Section / -----) becomes '#' / '##'.
                lines[-1] = f"{'#' if mark[0] == '=' else '##'} {lines[-1].strip()}"
            elif mark[0] == "-":
                # A rule under a paragraph ("...notes\n---") separates, it
                # does not make the paragraph a heading: a blank line keeps
                # it a thematic break.
                lines += ["", line]
            # A '===' line under a paragraph is dropped: it would make the
            # whole paragraph a title.
            continue
        lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def _is_setext_heading(lines: list[str], mark: str) -> bool:
    """Whether ``mark`` underlines the last of ``lines`` as a heading: one
    line on its own, underlined about as long as it is (as Word, pandoc and
    people write headings), not a short rule under a long sentence."""
    if len(lines) >= 2 and lines[-2].strip():
        return False
    return len(mark) * 2 >= len(lines[-1].strip())


def _is_plain(lines: list[str]) -> bool:
    return not any(_ATX.match(line) or _BULLET.match(line) or _CLAUSE.match(line)
                   for line in lines)


def _first_line_title(lines: list[str]) -> bool:
    """Whether a text without ``#`` headings opens with a title line: a short
    line that is not a list item or a clause, then a blank line ("Report a
    hidden danger" above "Steps:" and a numbered list)."""
    if any(_ATX.match(line) for line in lines):
        return False
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return False
    first = lines[filled[0]]
    after = lines[filled[0] + 1] if filled[0] + 1 < len(lines) else ""
    text = first.strip()
    # A title names; it is not a sentence ("Wear ear defenders. Visitors
    # too."), a lead-in ("Steps:") or Markdown of another kind (a table, a
    # quote, a rule).
    sentence = text.endswith(tuple(".。:：;；?？!！")) or ". " in text or "。" in text
    markup = text.startswith(("|", ">", "[", "-", "=", "*", "_", "#", "<"))
    return (len(text) <= 80 and not after.strip() and not first.startswith((" ", "\t"))
            and not sentence and not markup
            and not (_BULLET.match(first) or _CLAUSE.match(first)))


def split_title(text: str, fallback: str) -> tuple[str, list[str]]:
    """The title (first ``#`` heading or, in plain text, the first line) and
    the remaining lines; later ``#`` headings become ``##``."""
    lines = text.split("\n")
    title = ""
    plain = _is_plain(lines) or _first_line_title(lines)
    out: list[str] = []
    for line in lines:
        heading = _ATX.match(line)
        if not title and heading and len(heading.group(1)) == 1:
            title = heading.group(2).strip()
        elif not title and plain and line.strip():
            title = line.strip()
        elif heading and len(heading.group(1)) == 1:
            out.append("#" + line)
        else:
            out.append(line)
    return title or fallback, out


def _leads_in(lines: list[str], at: int, indent: str) -> bool:
    """Whether the list line at ``at`` ends in a colon and introduces
    more-indented list lines ("Where the disconnect does not ...:" above its
    checks)."""
    if not lines[at].rstrip().endswith((":", "：")):
        return False
    for line in lines[at + 1:]:
        if not line.strip():
            continue
        nested = _BULLET.match(line) or _TASK.match(line)
        return nested is not None and len(nested.group(1)) > len(indent)
    return False


def _numbers_the_checks(lines: list[str]) -> bool:
    """Whether some part of the text (before the first heading, or under
    one) has numbered lines and bullets side by side, not nested: then the
    numbers are the checks and the bullets something else."""
    kinds: set[str] = set()
    for line in lines:
        if _ATX.match(line):
            kinds = set()
        elif _BULLET.match(line) and not line[:1].isspace():
            kinds.add("number" if _NUMBERED.match(line) else "bullet")
            if len(kinds) == 2:
                return True
    return False


def checklist_body(lines: list[str], lang: str, plain: bool) -> list[str]:
    """Bullets and numbered lines as ``- [ ]`` items, under a ``##`` pause
    point (one is added before the first item that stands outside one).

    Where the source has tick boxes already, its plain bullets and numbered
    lines are statements (hazards, notes) and stay as they are; legal clauses
    ("（一）") still become items. Where one part of it has numbered lines and
    bullets side by side, the numbered lines are the checks and the bullets
    stay as they are throughout (discussion prompts, notes, questions to the
    reader), except those nested under a numbered line that introduces them.
    A bullet that introduces nested ones stays a plain lead-in too."""
    out: list[str] = []
    in_section = False
    has_tasks = any(_TASK.match(line) for line in lines)
    numbers = not has_tasks and _numbers_the_checks(lines)
    lead_in: int | None = None  # the indent of the numbered lead-in being read
    for at, line in enumerate(lines):
        if line.startswith("## "):
            in_section = True
        task = _TASK.match(line)
        listed = _BULLET.match(line)
        bullet = listed or _CLAUSE.match(line)
        # A numbered lead-in ends at the next line not indented under it.
        if lead_in is not None and line.strip() and len(line) - len(line.lstrip()) <= lead_in:
            lead_in = None
        if task:
            item = f"{task.group(1)}- [ ] {task.group(2)}"
        elif listed and (has_tasks or _leads_in(lines, at, listed.group(1))):
            if numbers and _NUMBERED.match(line):
                lead_in = len(listed.group(1))
            out.append(line)
            continue
        elif listed and numbers and not _NUMBERED.match(line) and lead_in is None:
            out.append(line)
            continue
        elif bullet and bullet.group(2).strip():
            item = f"{bullet.group(1)}- [ ] {bullet.group(2).strip()}"
        elif plain and line.strip() and not line.startswith("#"):
            item = f"- [ ] {line.strip()}"
        else:
            out.append(line)
            continue
        if not in_section:
            if out and out[-1].strip():
                out.append("")
            out += [f"## {_PAUSE_POINT.get(lang, 'Checks')}", ""]
            in_section = True
        out.append(item)
    return out


def document_body(lines: list[str], steps: str | None, plain: bool) -> list[str]:
    """A procedure's or action's body: with no ``##`` section at all, the text
    goes under the steps section (plain text lines become numbered steps)."""
    if any(line.startswith("## ") for line in lines) or not steps:
        return lines
    if plain:
        numbered = [f"{n}. {line.strip()}" for n, line in
                    enumerate((ln for ln in lines if ln.strip()), start=1)]
        return [f"## {steps}", "", *numbered]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return [f"## {steps}", "", *lines]


def guess_lang(text: str) -> str:
    """zh when Chinese characters are a good share of the letters, else en."""
    letters = sum(c.isalpha() for c in text) or 1
    return "zh" if len(_CJK.findall(text)) / letters > 0.3 else "en"


def _mode(items: list[str]) -> str:
    questions = sum(i.rstrip().endswith(("?", "？")) for i in items)
    return "inspection" if items and questions * 2 > len(items) else "do-confirm"


def convert(text: str, config: Config, doc_type: str, doc_id: str, fallback_title: str,
            lang: str | None = None) -> tuple[str, str]:
    """A draft document of ``doc_type`` from plain Markdown or text; returns
    (the document's text, its title)."""
    body_text = clean(text)
    lang = lang or guess_lang(body_text)
    plain = _is_plain(body_text.split("\n"))
    title, lines = split_title(body_text, fallback_title)
    if doc_type == "checklist":
        lines = checklist_body(lines, lang, plain)
    else:
        lines = document_body(lines, config.steps_section(doc_type, lang), plain)
    front = ["---", f"id: {doc_id}", f"title: {json.dumps(title, ensure_ascii=False)}",
             f"type: {doc_type}", "revision: 1", "status: draft", "owner: Safety Department"]
    if lang != config.lang:
        front.append(f"lang: {lang}")
    if doc_type == "checklist":
        items = [m.group(2) for line in lines if (m := _TASK.match(line))]
        front.append(f"mode: {_mode(items)}")
    body = "\n".join(lines).strip("\n")
    return "\n".join([*front, "---", "", body, ""]), title


def import_files(root: Path, config: Config, sources: list[Path], doc_type: str,
                 area: str | None = None, lang: str | None = None) -> list[Imported]:
    """Write one draft document per file in ``sources`` into the knowledge
    base at ``root``, each with the next free id. Every file is read and
    converted before anything is written: one unreadable file writes none."""
    area = (area or "GEN").upper()
    if not _AREA.fullmatch(area):
        raise ImportFailed(f"--area {area!r}: expected 1 to 10 upper-case letters or digits, "
                           "starting with a letter, e.g. HD or PRESS")
    texts = [(source, read_text(source)) for source in sources]
    kb = load_kb(root, config)
    existing = {d.id for d in kb.documents if d.id}
    folder = area_folder(kb, doc_type, area)
    planned: list[tuple[Imported, str]] = []
    for source, text in texts:
        doc_id = next_id(existing, PREFIXES[doc_type], area)
        existing.add(doc_id)
        fallback = re.sub(r"[_\-]+", " ", source.stem).strip().capitalize() or doc_id
        content, title = convert(text, config, doc_type, doc_id, fallback, lang)
        path = root / folder / f"{doc_id.lower()}.md"
        if path.exists():
            raise ImportFailed(f"{path}: already exists")
        planned.append((Imported(source, path, doc_id, title), content))
    for imported, content in planned:
        imported.path.parent.mkdir(parents=True, exist_ok=True)
        imported.path.write_text(content, "utf-8")
    return [imported for imported, _ in planned]


__all__ = ["ImportFailed", "Imported", "checklist_body", "clean", "convert", "document_body",
           "guess_lang", "import_files", "read_text", "split_title"]
