"""Build the site through the generator, all or nothing.

The package core does not import MkDocs: the site is built by running MkDocs
(which loads the thin hooks in ``hooks/``) in a child process, into a fresh
folder beside the output folder. Only when that build succeeded is the
output folder replaced, so a failed or interrupted build leaves the previous
site as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

MKDOCS_YML = "mkdocs.yml"


class BuildError(Exception):
    """The build failed; the previous output is untouched."""


def _mkdocs_config(root: Path) -> Path:
    path = root / MKDOCS_YML
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no mkdocs.yml; `safetykb init` writes one")
    return path


def default_site_dir(root: Path) -> Path:
    """``site_dir`` from mkdocs.yml (relative to its folder), default ``site``."""
    config = _mkdocs_config(root)
    site_dir = "site"
    try:
        # mkdocs.yml may hold !!python/name tags for extensions: read only what we need.
        for line in config.read_text("utf-8").splitlines():
            if line.startswith("site_dir:"):
                site_dir = str(yaml.safe_load(line.split(":", 1)[1]) or "site")
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        pass
    return (root / site_dir).resolve()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")  # the MkDocs 2 notice is noise in every log
    return env


def mkdocs_command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args, "-f", str(_mkdocs_config(root))]


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _remove_leftovers(target: Path) -> None:
    """Staging folders of builds that were killed (SIGKILL leaves them behind)."""
    for pattern in (f".{target.name}.building-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def build_site(root: Path, site_dir: Path | None = None, quiet: bool = False) -> Path:
    """Build the site of ``root`` into ``site_dir``, replacing it only on success.

    Builds of one site must not run at the same time: a new build removes the
    staging folders that killed builds left behind.
    """
    root = root.resolve()
    target = (site_dir or default_site_dir(root)).resolve()
    if target == root or target in root.parents:
        raise BuildError(f"site folder {target} would replace the knowledge base itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target)
    # SIGTERM (a CI job cancelled, a service stopped) cleans up like Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _terminate)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    cmd = mkdocs_command(root, "build", "--strict", "--site-dir", str(staging))
    if quiet:
        cmd.append("--quiet")
    try:
        result = subprocess.run(cmd, cwd=root, env=_env())
        if result.returncode != 0:
            raise BuildError(f"site build failed (exit {result.returncode}); "
                             f"{target} was left as it was")
        if not (staging / "index.html").is_file():
            raise BuildError(f"site build produced no index.html; {target} was left as it was")
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    return target


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` with renames (same file system)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, old / target.name)
    os.rename(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def serve(root: Path, address: str = "127.0.0.1:8000", full: bool = False) -> int:
    """Live preview: MkDocs' own server with the hooks (blocks until stopped).

    After the first build only changed pages are rebuilt (MkDocs' dirty
    reload; the hooks re-parse only changed files): the search index and the
    pages that merely link to a changed document can lag until a full build.
    ``full`` rebuilds everything on every change.
    """
    cmd = mkdocs_command(root.resolve(), "serve", "--dev-addr", address)
    if not full:
        # MkDocs warns that a dirty build is inaccurate; strict mode would stop on that
        # warning. Our checks still stop the preview on any error.
        cmd += ["--dirty", "--no-strict"]
    try:
        return subprocess.call(cmd, cwd=root, env=_env())
    except KeyboardInterrupt:
        return 0
