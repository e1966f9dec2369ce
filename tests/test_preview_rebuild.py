"""The live preview's rebuilds, as MkDocs' server makes them (a new
configuration and a dirty build into the same folder per save, one plugin
instance): the generated pages (register, tag pages, What changed...) are
kept while nothing they are made of changed, and follow a change of front
matter; compiled templates are kept, and follow an edit of a template."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from safetykb_mkdocs import plugin as plugin_module

URL = "http://127.0.0.1:8000/"
DOC = "procedures/gen/proc-gen-001.md"
GENERATED = ("reference/register/index.html", "what-changed/index.html",
             "reference/archive/index.html", "for-authors/rules/index.html")


class Preview:
    def __init__(self, kb: Path, site: Path) -> None:
        self.kb, self.site = kb, site
        self.config = self.load()
        self.config.plugins.on_startup(command="serve", dirty=True)

    def load(self) -> Any:
        config = load_config(config_file=str(self.kb / "mkdocs.yml"), site_dir=str(self.site),
                             strict=False)
        config.site_url = URL
        return config

    def rebuild(self) -> None:
        build(self.load(), serve_url=URL, dirty=True)

    def stamps(self) -> dict[str, int]:
        return {p: (self.site / p).stat().st_mtime_ns for p in GENERATED}

    def text(self, page: str) -> str:
        return (self.site / page).read_text("utf-8")


@pytest.fixture
def preview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Preview]:
    kb = tmp_path / "kb"
    subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(kb)], check=True,
                   capture_output=True)
    monkeypatch.chdir(kb)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    p = Preview(kb, tmp_path / "site")
    build(p.config, serve_url=URL, dirty=True)
    yield p
    p.config.plugins.on_shutdown()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    # A later modification time than every page written so far.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_a_body_edit_keeps_the_generated_pages(preview: Preview) -> None:
    before = preview.stamps()
    register = preview.text(GENERATED[0])
    _edit(preview.kb / DOC, "## Purpose\n", "## Purpose\n\nEdited in the body.\n")
    preview.rebuild()
    assert "Edited in the body." in preview.text("procedures/gen/proc-gen-001/index.html")
    assert preview.stamps() == before
    assert preview.text(GENERATED[0]) == register


def test_a_front_matter_edit_rebuilds_them(preview: Preview) -> None:
    before = preview.stamps()
    _edit(preview.kb / DOC, "title: Hidden-danger reporting and rectification",
          "title: Reporting hidden dangers, renamed")
    preview.rebuild()
    assert "Reporting hidden dangers, renamed" in preview.text(GENERATED[0])
    after = preview.stamps()
    assert all(after[p] != before[p] for p in GENERATED)
    # And the next body edit keeps them as that build wrote them.
    _edit(preview.kb / DOC, "## Purpose\n", "## Purpose\n\nEdited in the body.\n")
    preview.rebuild()
    assert preview.stamps() == after
    assert "Reporting hidden dangers, renamed" in preview.text(GENERATED[0])


def test_a_failed_rebuild_writes_them_all_again(preview: Preview,
                                                caplog: pytest.LogCaptureFixture) -> None:
    page = preview.kb / DOC
    good = page.read_text("utf-8")
    _edit(page, "## Purpose\n", '## Purpose\n\nPress <kbd data-key="stop">Stop</kbd>.\n')
    with pytest.raises(Abort):
        preview.rebuild()
    assert "would lose content to the HTML sanitiser" in caplog.text
    before = preview.stamps()
    page.write_text(good.replace("## Purpose\n", "## Purpose\n\nMended.\n", 1), "utf-8")
    _edit(page, "Mended.", "Mended!")
    preview.rebuild()
    # What the failed build wrote of them is not known: written again.
    after = preview.stamps()
    assert all(after[p] != before[p] for p in GENERATED)


def test_templates_are_compiled_once_and_follow_an_edit(preview: Preview) -> None:
    kept = plugin_module._TEMPLATE_CODE.code
    assert kept, "no compiled template was kept"
    overrides = preview.kb / "overrides"
    overrides.mkdir(exist_ok=True)
    config = (preview.kb / "mkdocs.yml").read_text("utf-8")
    if "custom_dir" not in config:
        config = config.replace("theme:\n", "theme:\n  custom_dir: overrides\n", 1)
        (preview.kb / "mkdocs.yml").write_text(config, "utf-8")
    (overrides / "404.html").write_text(
        '{% extends "main.html" %}\n{% block content %}<p>Lost: version 1</p>'
        "{% endblock %}\n", "utf-8")
    preview.rebuild()
    assert "Lost: version 1" in preview.text("404.html")
    (overrides / "404.html").write_text(
        '{% extends "main.html" %}\n{% block content %}<p>Lost: version 2</p>'
        "{% endblock %}\n", "utf-8")
    preview.rebuild()
    assert "Lost: version 2" in preview.text("404.html")
