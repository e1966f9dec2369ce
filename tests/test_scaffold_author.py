"""``safetykb new`` writes ``author:`` (DC004 requires it before approval)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import TODAY
from safetykb.config import load_config
from safetykb.loader import load_document
from safetykb.rules import default_levels
from safetykb.scaffold import InitError, init_kb, new_document


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # No global or system git configuration: only what a test sets counts.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "kb"
    init_kb(root, TODAY)
    return root


def _author(root: Path, path: Path) -> object:
    config = load_config(root, default_levels())
    return load_document(path, root, config).meta.get("author", "<missing>")


def test_author_option_is_written(kb: Path) -> None:
    config = load_config(kb, default_levels())
    path, _ = new_document(kb, config, "procedure", "Lift a load", "HD", None,
                           'Li "Wei"  Zhang')
    assert _author(kb, path) == 'Li "Wei" Zhang'


def test_author_defaults_to_git_user_name(kb: Path) -> None:
    subprocess.run(["git", "init", "-q", str(kb)], check=True)
    subprocess.run(["git", "-C", str(kb), "config", "user.name", "Safety Engineer"], check=True)
    config = load_config(kb, default_levels())
    path, _ = new_document(kb, config, "checklist", "Forklift check", "WH")
    assert _author(kb, path) == "Safety Engineer"


def test_without_a_name_the_draft_has_no_author(kb: Path) -> None:
    config = load_config(kb, default_levels())
    path, _ = new_document(kb, config, "action", "Clear a jam", "PRESS")
    assert _author(kb, path) == "<missing>"


def test_empty_author_is_refused(kb: Path) -> None:
    config = load_config(kb, default_levels())
    with pytest.raises(InitError, match="--author"):
        new_document(kb, config, "action", "Clear a jam", "PRESS", None, "  ")
