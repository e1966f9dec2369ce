"""A copy of the built site that works from the file system (``file://``).

``safetykb build --offline`` builds for a USB stick, a shared drive or a
laptop without a server. Two things of the served site do not work there:

- links to folders (``../x/``): a browser shows a directory listing, so every
  relative link to a folder is rewritten to its ``index.html``;
- the Pagefind index (loaded with ``fetch`` and ``import``, which browsers
  refuse on ``file://``): the search box reads Material's search index
  instead, from ``search/search_index.js`` (a plain script, which a browser
  loads from a file), and searches it in the page.

Use the served site (``safetykb build`` on a web server) whenever there is
one: its search is faster at any size and ranks better.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

#: Set (to 1) for the site generator's process by ``safetykb build --offline``.
OFFLINE_ENV = "SAFETYKB_OFFLINE"

_HREF = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|#)")


def file_url(url: str) -> str:
    """A relative URL that works from the file system: a folder gets its
    ``index.html``; anything else is unchanged."""
    if not url or _SCHEME.match(url):
        return url
    path, sep, rest = url.partition("#")
    query = ""
    if "?" in path:
        path, query = path.split("?", 1)
        query = "?" + query
    if path in (".", "..") or path.endswith(("/.", "/..")):
        path += "/"
    if not path.endswith("/"):
        return url
    return f"{path}index.html{query}{sep}{rest}"


def make_offline(site_dir: Path) -> int:
    """Rewrite the built site in ``site_dir`` for ``file://``; return the
    number of pages rewritten. Writes ``search/search_index.js``."""
    site = Path(site_dir)
    changed = 0
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8")
        new = _HREF.sub(lambda m: m.group(1) + file_url(m.group(2)) + m.group(3), text)
        if new != text:
            page.write_text(new, "utf-8")
            changed += 1
    index = site / "search" / "search_index.json"
    if index.is_file():
        data = json.loads(index.read_text("utf-8"))
        # Locations are folders too.
        for entry in data.get("docs", []):
            entry["location"] = file_url(str(entry.get("location", ""))) or "index.html"
        script = "var __index = " + json.dumps(data, ensure_ascii=False) + ";\n"
        (site / "search" / "search_index.js").write_text(script, "utf-8")
    return changed
