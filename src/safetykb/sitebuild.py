"""Build the site through the generator, all or nothing.

The package core does not import MkDocs: the site is built by running MkDocs
(which loads the thin hooks in ``hooks/``) in a child process, into a fresh
staging folder beside the output folder.

Publishing is one atomic step. The site path (``site``) is a symbolic link
to a versioned folder beside it (``.site-<UTC time>-<pid>``); a finished
build is renamed to a new version and a new link is put over the old one with
a single ``rename`` (``os.replace``). At every instant the site path
resolves to a complete site, the previous one or the new one, whatever kills
the build. Older versions are removed only after the new link is in place.

Other guarantees, each for a way a build has gone wrong:

- One build per site folder: an ``fcntl`` lock on ``.site.lock`` beside it.
  A second build waits ``SAFETYKB_BUILD_WAIT`` seconds (default 0) and then
  stops with "another build of SITE is running (pid N)" (exit 2), instead of
  removing the first one's staging folder.
- The site folder may not overlap the knowledge base (its root, ``.git``,
  ``docs_dir``, the ``content_dirs``): replacing it would delete documents.
- A content folder that leads outside the knowledge base is refused.
- MkDocs dies with ``safetykb build`` (``PR_SET_PDEATHSIG`` on Linux), so a
  killed build leaves no generator running and writing.
- Every file-system error is a message and exit 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from .config import CONFIG_NAME, load_config

MKDOCS_YML = "mkdocs.yml"
#: Set (to 1) by ``safetykb serve --poll``; the plugin then keeps MkDocs'
#: polling watcher (``safetykb_mkdocs.watcher``).
POLL_ENV = "SAFETYKB_POLL"
#: Seconds a build waits for another build of the same site to finish.
WAIT_ENV = "SAFETYKB_BUILD_WAIT"
#: prctl(2) option: the signal the kernel sends a child when its parent dies.
_PR_SET_PDEATHSIG = 1
#: renameat2(2) flag: swap two paths atomically.
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class BuildError(Exception):
    """The build failed (exit 1); the message says what became of the site."""


class BuildRefused(Exception):
    """The build cannot start or cannot write its output (exit 2): a site
    folder that overlaps the knowledge base, another build running, a file
    system error. The message names the setting or the path at fault."""


def _mkdocs_config(root: Path) -> Path:
    path = root / MKDOCS_YML
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no mkdocs.yml; `safetykb init` writes one")
    return path


def _mkdocs_setting(root: Path, key: str, default: str) -> str:
    """A top-level folder setting of mkdocs.yml, read line by line.

    mkdocs.yml may hold ``!!python/name`` tags for extensions, which a safe
    YAML load refuses: read only the line we need. A value that is not a
    folder name (a number, a list, unparseable) is an error, not the default.
    """
    config = _mkdocs_config(root)
    try:
        text = config.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildRefused(f"{config}: cannot read: {exc}") from None
    value: object = default
    for line in text.splitlines():
        if line.startswith(f"{key}:"):
            try:
                value = yaml.safe_load(line.split(":", 1)[1])
            except yaml.YAMLError:
                raise BuildRefused(f"{config}: {key}: cannot read {line!r}") from None
            if value is None:
                value = default
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise BuildRefused(f"{config}: {key}: expected a folder path, got {value!r}")
    return value


def _absolute(path: Path) -> Path:
    """``path`` made absolute with its parent resolved, but not its last part:
    the site path is a symbolic link that must be replaced, not followed."""
    path = Path(os.path.abspath(path))
    if not path.name:
        return path
    return path.parent.resolve() / path.name


def default_site_dir(root: Path) -> Path:
    """``site_dir`` from mkdocs.yml (relative to its folder), default ``site``."""
    return _absolute(root / _mkdocs_setting(root, "site_dir", "site"))


def offline_site_dir(root: Path) -> Path:
    """Where ``build --offline`` writes by default: beside the served site,
    its name with ``-offline`` (``site-offline``)."""
    served = default_site_dir(root)
    return served.with_name(served.name + "-offline")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")  # the MkDocs 2 notice is noise in every log
    return env


def mkdocs_command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *args, "-f", str(_mkdocs_config(root))]


def die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child die when this process dies.

    SIGKILL of ``safetykb build`` runs no cleanup: without this, MkDocs runs
    on, writing into a staging folder nobody will publish or remove. Linux
    only (``prctl(PR_SET_PDEATHSIG)``); elsewhere None, and a killed build may
    leave the generator running.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


#: File descriptors of the site locks this process holds: a forked generator
#: closes them (an exec would have: they are close-on-exec), so that nothing
#: the generator leaves running after a kill holds the lock of the next build.
_LOCK_FDS: set[int] = set()


def run_generator(root: Path, args: list[str]) -> int:
    """Run ``python -m mkdocs ARGS`` in ``root`` and return its exit status.

    Where the system can fork, the generator is a forked copy of this process
    that runs MkDocs' ``__main__`` itself, instead of a new Python that
    starts, imports the safetykb core again (the plugin does; this process
    already has) and tears it all down at the end: about 0.5 s of CPU of a
    build of 100 documents, all on the critical path. It is what the command
    line would do (``sys.argv``, the working folder, ``sys.path[0]``, the
    environment, default signal handlers), and it dies with this process as
    the command would. MkDocs is never imported here, only in the child.
    """
    if not hasattr(os, "fork"):
        cmd = mkdocs_command(root, *args)
        return subprocess.run(cmd, cwd=root, env=_env(), preexec_fn=die_with_parent()).returncode
    config = str(_mkdocs_config(root))
    preexec = die_with_parent()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child; measured by the tests that build)
        _generator_child(root, [*args, "-f", config], preexec)
    try:
        _, status = os.waitpid(pid, 0)
    except BaseException:
        # Stopped (SIGTERM, Ctrl-C) while MkDocs runs: it goes too, before the
        # caller removes its staging folder.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    return os.waitstatus_to_exitcode(status)


def _generator_child(root: Path, args: list[str], preexec: Callable[[], None] | None) -> None:
    """The forked generator: never returns into the caller's code (whose
    ``finally`` clauses would remove the staging folder), ends by ``_exit``."""
    import runpy

    code = 1
    try:
        if preexec is not None:
            preexec()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for fd in _LOCK_FDS:
            with contextlib.suppress(OSError):
                os.close(fd)
        os.chdir(root)
        os.environ.update(_env())
        sys.path[0] = os.getcwd()  # as ``python -m`` run here
        sys.argv = ["mkdocs", *args]
        runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    except BaseException:  # what python -m mkdocs would print
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
        os._exit(code)


# --- the site folder: what it may be ------------------------------------------


def _real(path: Path) -> Path:
    """``path`` with every symbolic link followed; a loop is a message."""
    try:
        return path.resolve()
    except RuntimeError:  # Python 3.11 reports a symbolic link loop so
        raise BuildRefused(f"{path}: a loop of symbolic links") from None


def _overlaps(a: Path, b: Path) -> bool:
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def check_site_dir(root: Path, target: Path, setting: str, content_dirs: list[str]) -> None:
    """Refuse a site folder whose replacement would destroy the knowledge base.

    The build replaces the site path as a whole: a site folder that is, holds
    or lies inside the root, ``.git``, ``docs_dir`` or a content folder would
    take documents with it (or publish into them). A content folder that is
    the root itself (``content_dirs: [.]``) only excludes sites that contain
    the root; a site inside it is allowed, as an existing folder there is
    replaced only if it holds a built site (see :func:`_check_existing`).
    """
    for d in content_dirs:
        path = root / d
        real = _real(path)
        if not real.is_relative_to(root):
            how = "is a symbolic link to" if path.is_symlink() else "leads to"
            raise BuildRefused(f"content folder {d!r} (content_dirs in {CONFIG_NAME}) {how} "
                               f"{real}, outside the knowledge base {root}; documents are "
                               "published only from inside it: copy them in")
    docs_setting = _mkdocs_setting(root, "docs_dir", "docs")
    protected = [(root / ".git", "the Git repository .git"),
                 (_real(root / docs_setting), f"docs_dir {docs_setting!r} of {MKDOCS_YML}")]
    protected += [(_real(root / d), f"content folder {d!r} (content_dirs in {CONFIG_NAME})")
                  for d in content_dirs]
    for candidate in dict.fromkeys((target, _real(target))):
        if candidate == root or root.is_relative_to(candidate):
            raise BuildRefused(f"{setting} {target} is the knowledge base {root} or holds it; "
                               "the build replaces the site folder as a whole: choose a folder "
                               "such as site/")
        for path, what in protected:
            if path != root and _overlaps(candidate, path):
                raise BuildRefused(f"{setting} {target} overlaps {what}; the build replaces "
                                   "the site folder as a whole: choose a folder outside it")
    _check_existing(target, setting)


def _check_existing(target: Path, setting: str) -> None:
    """The site path may be missing, a symbolic link (ours: replaced, its
    target kept until the new one is in place), or a folder holding a built
    site (the first build after an upgrade). Anything else is not ours to
    replace."""
    if target.is_symlink() or not target.exists():
        return
    if not target.is_dir():
        raise BuildRefused(f"{setting} {target} is a file, not a folder")
    if (target / "index.html").is_file():
        return
    if any(target.iterdir()):
        raise BuildRefused(f"{setting} {target} is a folder that holds no built site (no "
                           "index.html); the build would replace it: remove it or choose "
                           "another folder")


# --- versions beside the site path ---------------------------------------------


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _version_re(target: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(target.name)}-\d{{8}}T\d{{12}}Z-\d+")


def _versions(target: Path) -> list[Path]:
    """Versioned folders of ``target``, oldest first (the names sort by time)."""
    pattern = _version_re(target)
    return sorted(p for p in target.parent.iterdir()
                  if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink())


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


def _leftovers(target: Path) -> list[Path]:
    """What killed builds leave beside the site: staging folders, new links
    not yet put in place, and the backups of builds before versioned sites."""
    found: list[Path] = []
    for kind in ("building", "link", "old"):
        found += target.parent.glob(f".{target.name}.{kind}-*")
    return found


def _recover(target: Path) -> str | None:
    """Bring the site path back if a killed build left it missing, then
    remove what killed builds left. Runs under the lock.

    Returns a note for the user when the site was restored. Only a complete
    site (with index.html) is restored: the newest version, else the backup
    that builds before versioned sites made while swapping folders.
    """
    note = None
    if not target.exists():  # missing, or a link to a version that is gone
        complete = [v for v in _versions(target) if (v / "index.html").is_file()]
        backups = [b / target.name for b in target.parent.glob(f".{target.name}.old-*")
                   if (b / target.name / "index.html").is_file()]
        source = complete[-1] if complete else (max(backups, key=lambda p: p.stat().st_mtime)
                                                if backups else None)
        if source is not None:
            if source not in complete:
                version = target.parent / f".{target.name}-{_stamp()}-{os.getpid()}"
                os.rename(source, version)
                source = version
            _link(source, target)
            note = f"{target} was missing after an interrupted build; restored {source.name}"
    for leftover in _leftovers(target):
        _remove(leftover)
    current = Path(os.path.realpath(target)) if target.is_symlink() else None
    for version in _versions(target):
        if version != current and target.exists():
            _remove(version)
    return note


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` in one step (renameat2 RENAME_EXCHANGE); False
    where the system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not supported here
        return False
    raise OSError(err, os.strerror(err), str(b))


def _link(version: Path, target: Path) -> None:
    """Point ``target`` at ``version`` with one rename of a new link over it.

    The link is relative, so the knowledge base can be moved or mounted
    elsewhere. A real folder at ``target`` (a site built before versioned
    sites) is exchanged with the link atomically where renameat2 exists;
    elsewhere it is renamed away first, leaving the site path missing for the
    moment between two renames (the next build restores it, see
    :func:`_recover`). Either way the old folder becomes an old version.
    """
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    _remove(link)
    os.symlink(version.name, link)
    if target.is_symlink() or not target.exists():
        os.replace(link, target)
    elif _exchange(link, target):
        os.rename(link, target.parent / f".{target.name}-{_stamp()}-{os.getpid()}")
    else:
        os.rename(target, target.parent / f".{target.name}-{_stamp()}-{os.getpid()}")
        os.replace(link, target)
    _sync_dir(target.parent)


def _sync_dir(folder: Path) -> None:
    """Make the renames in ``folder`` durable (a power cut after the build
    must not bring back a link to a removed version)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- one build at a time --------------------------------------------------------


def _wait_seconds() -> float:
    value = os.environ.get(WAIT_ENV, "").strip()
    if not value:
        return 0.0
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86400:
        raise BuildRefused(f"{WAIT_ENV}={value!r}: expected a number of seconds (0 to 86400)")
    return seconds


@contextlib.contextmanager
def site_lock(target: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock of ``target``: ``.NAME.lock`` beside it, an ``fcntl``
    lock that the kernel releases when the holder dies, however it dies.

    Without it a second build removed the first one's staging folder as a
    leftover, and the first then published a broken site with exit 0. The
    holder's pid is written into the file for the message of the next build.
    The file is kept (removing a lock file races with its next user).
    """
    path = target.parent / f".{target.name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    holder = holder if holder.isdigit() else ""  # not yet written, or garbage
                    waited = f" (waited {wait:g} s)" if wait else ""
                    raise BuildRefused(
                        f"another build of {target} is running (pid {holder or 'unknown'})"
                        f"{waited}; try again when it has finished, or set {WAIT_ENV} to "
                        "wait for it") from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _LOCK_FDS.add(fd)
        try:
            yield
        finally:
            _LOCK_FDS.discard(fd)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)


# --- the build ------------------------------------------------------------------


def _state(target: Path, before: str | None) -> str:
    """What a failed build left at the site path, truthfully."""
    now = os.path.realpath(target) if target.exists() else None
    if now is None:
        return f"no site was published at {target}"
    if now == before:
        return f"{target} was left as it was"
    return f"{target} now holds {Path(now).name}"


def build_site(root: Path, site_dir: Path | None = None, quiet: bool = False,
               wait: float | None = None, setting: str | None = None) -> Path:
    """Build the site of ``root`` into ``site_dir``, publishing it only on success.

    ``site_dir`` defaults to ``site_dir`` of mkdocs.yml (``setting`` names
    where a given one came from, for messages); ``wait`` (seconds,
    default ``$SAFETYKB_BUILD_WAIT`` or 0) is how long to wait for another
    build of the same site. Raises :class:`BuildError` when the build fails,
    :class:`BuildRefused` when it cannot run or cannot write.
    """
    root = root.resolve()
    setting = setting or ("--site-dir" if site_dir is not None else f"site_dir in {MKDOCS_YML}")
    target = _absolute(site_dir) if site_dir is not None else default_site_dir(root)
    config = load_config(root)
    wait = _wait_seconds() if wait is None else wait
    try:
        check_site_dir(root, target, setting, config.content_dirs)
        target.parent.mkdir(parents=True, exist_ok=True)
        with site_lock(target, wait):
            return _build_locked(root, target, quiet)
    except OSError as exc:
        where = exc.filename or target
        raise BuildRefused(f"{setting} {target}: cannot write {where}: "
                           f"{exc.strerror or exc}") from None


def _build_locked(root: Path, target: Path, quiet: bool) -> Path:
    note = _recover(target)
    if note:
        print(f"safetykb: {note}", file=sys.stderr)
    before = os.path.realpath(target) if target.exists() else None
    # SIGTERM (a CI job cancelled, a service stopped) cleans up like Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, _terminate)
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
        # mkdtemp makes it private (0700); the published site must be readable as any
        # folder made here would be (a web server runs as another user).
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        args = ["build", "--strict", "--site-dir", str(staging)]
        if quiet:
            args.append("--quiet")
        returncode = run_generator(root, args)
        if returncode != 0:
            raise BuildError(f"site build failed (exit {returncode}); {_state(target, before)}")
        if not (staging / "index.html").is_file():
            raise BuildError(f"site build produced no index.html; {_state(target, before)}")
        version = target.parent / f".{target.name}-{_stamp()}-{os.getpid()}"
        # A clean stop (SIGTERM, Ctrl-C) waits for the two renames; SIGKILL
        # cannot, and leaves the old or the new site in place, never neither.
        blocked = {signal.SIGTERM, signal.SIGINT}
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            os.rename(staging, version)
            staging = None
            _link(version, target)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        for old in _versions(target):
            if old != version:
                _remove(old)
    except OSError as exc:
        where = exc.filename or target
        raise BuildRefused(f"cannot write {where}: {exc.strerror or exc}; "
                           f"{_state(target, before)}") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
    return target


def _check_address(address: str) -> None:
    """Raise :class:`BuildRefused` when the preview cannot listen on
    ``address`` (HOST:PORT): taken by another server, or not this machine's
    (MkDocs would end in a traceback). An address that does not parse is left
    to MkDocs' own message."""
    host, _, port = address.rpartition(":")
    if not port.isdigit():
        return
    try:
        infos = socket.getaddrinfo(host.strip("[]") or "127.0.0.1", int(port),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OverflowError) as exc:
        raise BuildRefused(f"--dev-addr {address}: not an address of this machine "
                           f"({exc})") from None
    family, kind, proto, _, where = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As the preview server binds (reusing an address in TIME_WAIT).
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(where)
        except OSError as exc:
            why = "another server is using it (an earlier safetykb serve?): stop it, or " \
                  "choose another port with -a" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise BuildRefused(f"--dev-addr {address}: cannot serve there: {why}") from None


def serve(root: Path, address: str = "127.0.0.1:8000", full: bool = False,
          poll: bool = False) -> int:
    """Live preview: MkDocs' own server with the safetykb plugin (blocks until stopped).

    After the first build only changed pages are rebuilt (MkDocs' dirty
    reload; the plugin re-parses only changed files): the search index and the
    pages that merely link to a changed document can lag until a full build.
    ``full`` rebuilds everything on every change. The plugin watches with the
    system's file change events; ``poll`` keeps MkDocs' polling instead.
    """
    _check_address(address)
    cmd = mkdocs_command(root.resolve(), "serve", "--dev-addr", address)
    if not full:
        # MkDocs warns that a dirty build is inaccurate; strict mode would stop on that
        # warning. Our checks still stop the preview on any error.
        cmd += ["--dirty", "--no-strict"]
    env = _env()
    if poll:
        env[POLL_ENV] = "1"  # read by the plugin (safetykb_mkdocs.watcher)
    try:
        return subprocess.call(cmd, cwd=root, env=env, preexec_fn=die_with_parent())
    except KeyboardInterrupt:
        return 0
