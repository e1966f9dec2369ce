"""History, "What changed" and the feed on the built site of a temporary git
repository with several commits."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import TODAY, build_kb

GIT = ["git", "-c", "user.name=Safety Engineer", "-c", "user.email=se@example.com",
       "-c", "commit.gpgsign=false"]


def _commit(root: Path, message: str, date: str) -> None:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "PATH": "/usr/bin:/bin"}
    subprocess.run([*GIT, "add", "-A"], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-qm", message], cwd=root, check=True, env=env)


def history_kb(tmp_path: Path) -> Path:
    """An ``init`` knowledge base in git: every sample approved on 2026-10-01,
    PROC-GEN-001 raised to revision 2 on 2026-11-20."""
    kb = tmp_path / "kb"
    subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(kb)], check=True,
                   capture_output=True)
    (kb / "safetykb.yml").write_text((kb / "safetykb.yml").read_text("utf-8").replace(
        'site_url: ""', 'site_url: "https://safety.example.com/"'), "utf-8")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=kb, check=True)
    for path in kb.rglob("*.md"):
        if "docs" not in path.parts and ".github" not in path.parts:
            path.write_text(path.read_text("utf-8").replace("status: draft", "status: approved"),
                            "utf-8")
    _commit(kb, "First approved revision", "2026-10-01T09:00:00+00:00")
    doc = kb / "procedures/gen/proc-gen-001.md"
    text = doc.read_text("utf-8")
    text = re.sub(r"^revision: 1$", "revision: 2", text, flags=re.M)
    text = re.sub(r"^(effective: ).*$", r"\g<1>2026-11-20", text, flags=re.M)
    text = text.replace("---\n\n", "change_note: \"Report <b>within</b> one shift.\"\n---\n\n", 1)
    doc.write_text(text, "utf-8")
    _commit(kb, "Revision 2", "2026-11-20T09:00:00+00:00")
    return kb


def test_pages_show_history_and_what_changed(tmp_path: Path) -> None:
    kb = history_kb(tmp_path)
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/procedures/gen/proc-gen-001/index.html").read_text("utf-8")
    history = re.search(r'<details class="skb-history">.*?</details>', page, re.S)
    assert history, "no history on the page"
    rows = re.findall(r"<tr>.*?</tr>", history.group(0), re.S)
    assert len(rows) >= 3  # header and two revisions, newest first
    assert "2026-11-20" in rows[1] and "2026-10-01" in rows[2]
    assert "Report &lt;b&gt;within&lt;/b&gt; one shift." in history.group(0)
    assert "skb-recent" in page  # changed 9 days before the build's day
    changed = (tmp_path / "site/what-changed/index.html").read_text("utf-8")
    assert "PROC-GEN-001" in changed and "within" in changed
    feed = ET.fromstring((tmp_path / "site/feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert any(t and t.startswith("PROC-GEN-001 rev. 2") for t in titles), titles
    links = [e.find("a:link", ns) for e in feed.findall("a:entry", ns)]
    assert any(link is not None and link.get("href") ==
               "https://safety.example.com/procedures/gen/proc-gen-001/" for link in links)
    assert 'type="application/atom+xml"' in page
    # The sitemap has the address of safetykb.yml (mkdocs.yml from init sets
    # none, and invents none).
    assert not re.search(r"^site_url:", (kb / "mkdocs.yml").read_text("utf-8"), re.M)
    sitemap = ET.fromstring((tmp_path / "site/sitemap.xml").read_bytes())
    locs = [e.text or "" for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://safety.example.com/procedures/gen/proc-gen-001/" in locs, locs
    assert all(loc.startswith("https://safety.example.com/") for loc in locs), locs


def test_outside_git_the_site_builds_with_a_note(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(kb)], check=True,
                   capture_output=True)
    doc = kb / "procedures/gen/proc-gen-001.md"
    for path in kb.rglob("*.md"):
        if "docs" not in path.parts and ".github" not in path.parts:
            path.write_text(path.read_text("utf-8").replace("status: draft", "status: approved"),
                            "utf-8")
    result = build_kb(kb, tmp_path / "site", TODAY)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/procedures/gen/proc-gen-001/index.html").read_text("utf-8")
    assert "skb-history-note" in page
    # Said to readers in their words, not the build's advice about git.
    assert "No revision history on this copy of the site" in page
    # The guides the README and the home page point to come with `init`.
    guide = (tmp_path / "site/propose-a-change/index.html").read_text("utf-8")
    assert "How to propose a change" in guide and 'src="../change-workflow.svg"' in guide
    assert (tmp_path / "site/change-workflow.svg").is_file()
    home = (tmp_path / "site/index.html").read_text("utf-8")
    assert 'href="how-to-use/"' in home and 'href="propose-a-change/"' in home
    assert "fetch-depth" not in page and "not in a git" not in page
    assert doc.is_file()
    # No site_url anywhere (init writes it commented out): the feed and the
    # sitemap are still well-formed, with no invented address in them.
    for name in ("feed.xml", "sitemap.xml"):
        data = (tmp_path / "site" / name).read_text("utf-8")
        ET.fromstring(data.encode("utf-8"))
        assert "127.0.0.1" not in data and "localhost" not in data, name
