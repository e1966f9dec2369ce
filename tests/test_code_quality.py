"""The code passes its own linters: ruff (style, imports, bugbear) and mypy --strict."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_ruff() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests",
                             "benchmarks"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_imports_first() -> None:
    """Each module imports on its own in a fresh interpreter: an import cycle
    that only works in one order (the MkDocs plugin imported before the
    rules) fails here instead of in `safetykb serve`."""
    from concurrent.futures import ThreadPoolExecutor

    modules = sorted(
        ".".join(path.relative_to(REPO / "src").with_suffix("").parts).removesuffix(".__init__")
        for package in ("safetykb", "safetykb_mkdocs")
        for path in (REPO / "src" / package).rglob("*.py"))

    def load(module: str) -> tuple[str, str]:
        result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                                text=True)
        return module, result.stderr.strip().splitlines()[-1] if result.returncode else ""

    with ThreadPoolExecutor(4) as pool:
        failed = {m: e for m, e in pool.map(load, modules) if e}
    assert len(modules) > 50
    assert not failed, failed
