"""Every ``safetykb COMMAND --option`` that the site's pages (``docs/``, the
how-to page among them), the pages ``init`` writes and the README name exists
in the command line's parser, so that what a user is told to type works."""

from __future__ import annotations

import re

import click
import pytest

from conftest import REPO
from safetykb.cli import main

PAGES = sorted([REPO / "README.md", *(REPO / "docs").rglob("*.md"),
                *(REPO / "src/safetykb/templates/init/docs").rglob("*.md")])
#: ``safetykb`` and what follows it in one code span or code line.
_CALL = re.compile(r"(?<![\w./-])safetykb ([a-z]+)((?:[^`\n|]|\\\|)*)")
_OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z-]*)")


def calls() -> list[tuple[str, int, str, str]]:
    out = []
    for page in PAGES:
        text = page.read_text("utf-8")
        for number, line in enumerate(text.split("\n"), start=1):
            for match in _CALL.finditer(line):
                out.append((page.relative_to(REPO).as_posix(), number, match.group(1),
                            match.group(2)))
    return out


def options_of(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]
            if opt.startswith("-")} | {"-h", "--help"}


@pytest.mark.parametrize(("page", "line", "name", "rest"), calls(),
                         ids=[f"{p}:{n}:{c}" for p, n, c, _ in calls()])
def test_named_command_and_options_exist(page: str, line: int, name: str, rest: str) -> None:
    assert isinstance(main, click.Group)
    if name not in main.commands:
        # Prose such as "safetykb itself": only words that look like a call.
        assert not rest.strip().startswith("-"), f"{page}:{line}: no command {name!r}"
        pytest.skip(f"{name!r} is prose, not a command")
    known = options_of(main.commands[name])
    for option in _OPTION.findall(rest):
        assert option in known, f"{page}:{line}: safetykb {name} has no option {option}"


def test_the_pages_name_commands() -> None:
    assert {name for _, _, name, _ in calls()} >= {"check", "build", "new", "pdf", "import"}
