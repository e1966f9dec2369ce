"""``safetykb codeowners``: a CODEOWNERS file from the documents' ``owner``.

``safetykb.yml`` maps each owner (the department accountable for a document)
to a team of the Git server::

    owners:
      Safety Department: "@plant/safety"
      Production: "@plant/production"

With the file in place and branch protection asking for code-owner review,
a pull request that changes a document cannot be merged until its owning
department approves it (GitHub and GitLab read the same format).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .model import KnowledgeBase

#: A team (@org/team), a user (@name) or an e-mail address.
_OWNER = re.compile(r"^(?:@[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$")
HEADER = ("# Written by `safetykb codeowners` from the `owner` of each document and the\n"
          "# `owners:` teams in safetykb.yml. Do not edit by hand: run it again.\n")


class OwnersError(Exception):
    """The ``owners:`` setting cannot be used; the message says which entry."""


@dataclass(frozen=True)
class Unowned:
    """A document whose owner has no team in ``owners:``."""

    path: str
    line: int
    owner: str


def _show_prefix(root: Path) -> str | None:
    """``git rev-parse --show-prefix`` in ``root``; None outside git."""
    try:
        result = subprocess.run(["git", "rev-parse", "--show-prefix"], cwd=root,
                                capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.rstrip("\n") if result.returncode == 0 else None


def repo_prefix(root: Path) -> str:
    """The knowledge base's folder inside its git repository (``""`` at the
    top, or outside git), with a trailing slash."""
    return _show_prefix(root) or ""


def in_repository(root: Path) -> bool:
    """Whether ``root`` is inside a git work tree."""
    return _show_prefix(root) is not None


def repo_top(root: Path) -> Path:
    """The top folder of the git repository holding ``root`` (``root`` outside git)."""
    prefix = repo_prefix(root)
    top = root
    for _ in Path(prefix).parts:
        top = top.parent
    return top


#: Where GitHub (``.github/``, the top, ``docs/``) and GitLab (the top,
#: ``docs/``, ``.gitlab/``) look for the file; each reads only the first it finds.
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


def default_target(top: Path) -> Path:
    """The CODEOWNERS file to write at the top of the repository ``top``: the
    one that is there already, else ``CODEOWNERS`` at the top, the one place
    both GitHub and GitLab read outside ``docs/`` (``init`` sets both servers
    up, and GitLab never reads ``.github/CODEOWNERS``)."""
    for name in LOCATIONS:
        if (top / name).is_file():
            return top / name
    return top / "CODEOWNERS"


def _pattern(path: str) -> str:
    # CODEOWNERS patterns: a leading '/' anchors at the top; spaces and '#'
    # would end the pattern or start a comment, so they are escaped.
    escaped = re.sub(r"([ #\\\\])", r"\\\1", path)
    return "/" + escaped


def codeowners(kb: KnowledgeBase, owners: dict[str, str], prefix: str = "") \
        -> tuple[str, list[Unowned]]:
    """The CODEOWNERS text for ``kb`` (paths under ``prefix``, the knowledge
    base's folder in the repository) and the documents whose owner has no team."""
    for owner, team in owners.items():
        for handle in str(team).split():
            if not _OWNER.match(handle):
                raise OwnersError(
                    f"owners: {owner}: {handle!r} is not a team, user or e-mail address; "
                    "expected e.g. '@plant/safety', '@jane' or 'safety@example.org'")
    lines = [HEADER.rstrip("\n")]
    unowned: list[Unowned] = []
    docs = sorted((d for d in kb.documents if d.fm_ok), key=lambda d: d.relpath)
    for doc in docs:
        value = doc.meta.get("owner")
        name = value if isinstance(value, str) else ""
        handles = str(owners.get(name) or "").split()
        if not handles:
            unowned.append(Unowned(doc.relpath, doc.line_of("owner"), name))
            continue
        lines.append(f"{_pattern(prefix + doc.relpath)} {' '.join(handles)}")
    return "\n".join(lines) + "\n", unowned


__all__ = ["HEADER", "LOCATIONS", "OwnersError", "Unowned", "codeowners", "default_target",
           "in_repository", "repo_prefix", "repo_top"]
