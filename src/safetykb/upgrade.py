"""Messages for knowledge bases made by an older safetykb.

Knowledge bases made before 0.2 list a copied hook file in ``mkdocs.yml``
(``hooks: [hooks/safetykb_hooks.py]``); the MkDocs side is now a plugin of
the installed package. Building with the old file would run old code against
the new core, so the build stops with what to change instead.
"""

from __future__ import annotations

import re
from pathlib import Path

_HOOK = re.compile(r"^\s*-\s*['\"]?hooks/safetykb_hooks\.py['\"]?\s*$", re.M)
_PLUGIN = re.compile(r"^\s*-\s*['\"]?safetykb['\"]?\s*:?\s*$", re.M)


def legacy_hooks(root: Path) -> str | None:
    """What to change in ``root/mkdocs.yml``, or None when it is current."""
    path = root / "mkdocs.yml"
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    match = _HOOK.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    plugin = "" if _PLUGIN.search(text) else (" and add `- safetykb` under `plugins:` (after "
                                              "`- search`)")
    return (f"{path}:{line}: this knowledge base uses the hook file of safetykb 0.1; remove "
            f"`hooks/safetykb_hooks.py` from `hooks:`{plugin}, then delete the hooks/ "
            "folder (see CHANGELOG.md, 0.2.0)")
