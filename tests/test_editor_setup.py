"""`safetykb init` sets up editors to validate front matter while typing.

init writes ``.safetykb/front-matter.schema.json`` (generated from
``safetykb.schema``, the same text as ``safetykb schema``), ``.remarkrc.mjs``
that maps it onto the documents for remark-lint-frontmatter-schema (the VS
Code remark extension and remark-cli), ``package.json`` with those plugins,
and ``.vscode/`` settings and the extension recommendation.

The last test runs the real remark CLI; it needs Node and the plugins, so it
runs only when ``SAFETYKB_TEST_NODE_MODULES`` names a ``node_modules`` folder
holding them (``npm install`` in a knowledge base made by init).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from safetykb.config import load_config
from safetykb.loader import load_kb

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = ".safetykb/front-matter.schema.json"


def cli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "safetykb.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editor") / "kb"
    result = cli("init", root)
    assert result.returncode == 0, result.stderr
    return root


def validator(kb: Path) -> object:
    schema = json.loads((kb / SCHEMA).read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def samples(kb: Path) -> dict[str, dict]:
    """Each example document's front matter, as safetykb reads it."""
    docs = load_kb(kb, load_config(kb)).documents
    assert docs and all(d.fm_ok for d in docs)
    return {d.relpath: dict(d.meta) for d in docs}


def test_editor_files_are_valid_json(kb: Path) -> None:
    settings = json.loads((kb / ".vscode/settings.json").read_text("utf-8"))
    assert settings["files.eol"] == "\n"
    assert settings["[markdown]"]["editor.tabSize"] == 4  # MD001: 4 spaces in list items
    assert settings["[markdown]"]["editor.formatOnSave"] is False  # remark must not reformat
    extensions = json.loads((kb / ".vscode/extensions.json").read_text("utf-8"))
    assert extensions["recommendations"] == ["unifiedjs.vscode-remark"]
    package = json.loads((kb / "package.json").read_text("utf-8"))
    assert {"remark-cli", "remark-frontmatter",
            "remark-lint-frontmatter-schema"} <= set(package["devDependencies"])
    assert package["private"] is True


def test_remarkrc_maps_the_schema_onto_every_content_folder(kb: Path) -> None:
    text = (kb / ".remarkrc.mjs").read_text("utf-8")
    mapping = re.search(r"'([^']+)':\s*\[([^\]]*)\]", text)
    assert mapping and mapping[1] == SCHEMA
    globs = re.findall(r"'([^']+)'", mapping[2])
    config = load_config(kb)
    assert sorted(globs) == sorted(f"{d}/**/*.md" for d in config.content_dirs)
    assert "validateSchema: false" in text  # the plugin's Ajv knows draft-07 only


def test_schema_file_is_safetykb_schema(kb: Path) -> None:
    printed = cli("schema")
    assert printed.returncode == 0
    assert (kb / SCHEMA).read_text("utf-8") == printed.stdout


def test_schema_file_validates_the_sample_documents(kb: Path) -> None:
    check = validator(kb)
    found = samples(kb)
    assert {m["type"] for m in found.values()} == {"procedure", "action", "checklist"}
    for path, meta in found.items():
        errors = [e.message for e in check.iter_errors(meta)]  # type: ignore[attr-defined]
        assert not errors, (path, errors)
    # As approved, the sample procedure needs the approval fields (FM003) ...
    meta = next(m for m in found.values() if m["type"] == "procedure")
    approved = {**meta, "status": "approved"}
    approved.pop("approved_by", None)
    errors = list(check.iter_errors(approved))  # type: ignore[attr-defined]
    assert any(e.validator == "required" and "approved_by" in e.message for e in errors)
    # ... and a wrong value or an unknown field is refused (FM004, FM005).
    assert list(check.iter_errors({**meta, "revision": 0}))  # type: ignore[attr-defined]
    assert list(check.iter_errors({**meta, "mode": "read-do"}))  # type: ignore[attr-defined]
    assert list(check.iter_errors({**meta, "revison": 2}))  # type: ignore[attr-defined]


def test_init_knowledge_base_still_checks_clean(kb: Path) -> None:
    result = cli("check", "--root", kb, "--strict")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not os.environ.get("SAFETYKB_TEST_NODE_MODULES") or not shutil.which("node"),
                    reason="set SAFETYKB_TEST_NODE_MODULES to a node_modules with the remark "
                    "plugins of package.json to run remark for real")
def test_remark_reports_a_bad_front_matter(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    assert cli("init", root).returncode == 0
    (root / "node_modules").symlink_to(Path(os.environ["SAFETYKB_TEST_NODE_MODULES"]).resolve())
    remark = [str(root / "node_modules/.bin/remark"), "procedures", "checklists",
              "--quiet", "--frail", "--no-stdout", "--no-color"]
    clean = subprocess.run(remark, cwd=root, capture_output=True, text=True, timeout=120,
                           check=False)
    assert clean.returncode == 0, clean.stderr
    doc = root / "procedures/gen/proc-gen-001.md"
    doc.write_text(doc.read_text("utf-8").replace("revision: 1", "revision: 0", 1), "utf-8")
    bad = subprocess.run(remark, cwd=root, capture_output=True, text=True, timeout=120,
                         check=False)
    assert bad.returncode == 1
    assert re.search(r"\b5:\d+-5:\d+\s+warning\s+Must be >= 1", bad.stderr), bad.stderr
    assert "JSON schema malformed" not in bad.stderr
