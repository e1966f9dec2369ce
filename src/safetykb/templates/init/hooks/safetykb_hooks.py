"""MkDocs hooks: a thin adapter between MkDocs and the safetykb core.

All logic (loading, checking, rendering, what is current) lives in the
``safetykb`` package; these functions only hand its results to MkDocs.

- ``on_config``: load and check the knowledge base; any error fails the build
  with the same ``path:line:col: level RULE-ID message`` lines as
  ``safetykb check``.
- ``on_files``: publish the documents of ``procedures/`` and ``checklists/``
  and the generated reference pages next to ``docs/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from safetykb.config import ConfigError
from safetykb.linter import check_paths
from safetykb.model import KnowledgeBase
from safetykb.site import site_pages

_kb: KnowledgeBase | None = None


def on_config(config):  # type: ignore[no-untyped-def]
    global _kb
    root = Path(config.config_file_path).parent
    if not config.use_directory_urls:
        raise PluginError("safetykb: pages link to each other with directory URLs; "
                          "remove use_directory_urls: false from mkdocs.yml")
    try:
        kb, problems = check_paths(root)
    except ConfigError as exc:
        raise PluginError(f"safetykb: configuration error: {exc}") from None
    for problem in problems:
        print(problem.format_text(), file=sys.stderr)
    errors = sum(p.level == "error" for p in problems)
    if errors:
        raise PluginError(f"safetykb: {errors} error(s) in the knowledge base; nothing was built")
    _kb = kb
    return config


def on_files(files: Files, config) -> Files:  # type: ignore[no-untyped-def]
    assert _kb is not None, "on_config did not run"
    root = Path(config.config_file_path).parent
    docs_prefix = Path(config.docs_dir).resolve().relative_to(root.resolve()).as_posix()
    for file in files.documentation_pages():
        file.edit_uri = f"{docs_prefix}/{file.src_uri}"
    for page in site_pages(_kb):
        if files.get_file_from_path(page.uri) is not None:
            raise PluginError(f"safetykb: {page.uri} exists in {docs_prefix}/ and is also "
                              "generated from the knowledge base; rename one")
        inclusion = InclusionLevel.INCLUDED if page.listed else InclusionLevel.NOT_IN_NAV
        file = File.generated(config, page.uri, content=page.markdown, inclusion=inclusion)
        file.edit_uri = page.edit_path
        files.append(file)
    return files
