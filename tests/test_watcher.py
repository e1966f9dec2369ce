"""The live preview's watcher (``safetykb_mkdocs.watcher``) on MkDocs' own
live-reload server: kernel change events start one rebuild per save, reading
a document (what the rebuild does) starts none, and without change events the
server polls as MkDocs does."""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from safetykb.sitebuild import POLL_ENV
from safetykb_mkdocs.plugin import SafetyKBPlugin
from safetykb_mkdocs.watcher import BUILD_DELAY, ChangeObserver, use_change_events


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Preview:
    """A real LiveReloadServer watching ``docs`` whose builder, like a build,
    reads every document; ``builds`` counts its rebuilds."""

    def __init__(self, tmp_path: Path) -> None:
        self.docs = tmp_path / "docs"
        self.docs.mkdir()
        (self.docs / "a.md").write_text("# A\n", "utf-8")
        (self.docs / "sub").mkdir()
        (self.docs / "sub" / "b.md").write_text("# B\n", "utf-8")
        (tmp_path / "site").mkdir()
        self.builds = 0
        self.server = LiveReloadServer(builder=self.build, host="127.0.0.1", port=_port(),
                                       root=str(tmp_path / "site"))
        self.server.watch(str(self.docs))
        self.thread = threading.Thread(target=self.server.serve, daemon=True)

    def build(self) -> None:
        for path in self.docs.rglob("*.md"):
            path.read_text("utf-8")
        self.builds += 1

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.observer.is_alive():
            assert time.monotonic() < deadline, "the watcher did not start"
            time.sleep(0.01)

    def wait_builds(self, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.builds < count:
            assert time.monotonic() < deadline, f"{self.builds} rebuild(s), expected {count}"
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.shutdown(wait=True)
        self.thread.join(timeout=10)


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    p = Preview(tmp_path)
    yield p
    p.stop()


def test_one_save_is_one_rebuild_and_reading_is_none(preview: Preview) -> None:
    assert use_change_events(preview.server)
    assert isinstance(preview.server.observer, ChangeObserver)
    assert preview.server.build_delay == BUILD_DELAY
    preview.start()
    # Opening and reading documents (what every rebuild does) is no change.
    for _ in range(5):
        preview.build()
    preview.builds = 0
    time.sleep(0.5)
    assert preview.builds == 0
    # A save (truncate, write, close) is one rebuild, and that rebuild's own
    # reading of every document starts no other.
    (preview.docs / "a.md").write_text("# A, edited\n", "utf-8")
    preview.wait_builds(1)
    time.sleep(0.5)
    assert preview.builds == 1
    # In a sub-folder, a new file, a deleted one, an editor's save by rename.
    (preview.docs / "sub" / "b.md").write_text("# B, edited\n", "utf-8")
    preview.wait_builds(2)
    (preview.docs / "sub" / "c.md").write_text("# C\n", "utf-8")
    preview.wait_builds(3)
    (preview.docs / "sub" / "c.md").unlink()
    preview.wait_builds(4)
    (preview.docs / ".a.md.swp").write_text("# A, saved by rename\n", "utf-8")
    preview.wait_builds(5)
    os.replace(preview.docs / ".a.md.swp", preview.docs / "a.md")
    preview.wait_builds(6)
    time.sleep(0.5)
    assert preview.builds == 6


#: Run in a process of its own (the instances are the user's, shared with
#: everything else this process runs): watchdog's inotify observer opens its
#: instance when it is made. Every instance this user may still open
#: (fs.inotify.max_user_instances) is taken first, as on a machine whose
#: editors and tools hold them all.
_NO_INSTANCES = r"""
import ctypes, json, logging, os, sys, threading, time
from pathlib import Path
from mkdocs.livereload import LiveReloadServer
from safetykb_mkdocs.watcher import use_change_events
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
docs, site, port = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
libc = ctypes.CDLL(None, use_errno=True)
taken = []
while len(taken) < 100_000:
    fd = libc.inotify_init()
    if fd < 0:
        break
    taken.append(fd)
builds = []
server = LiveReloadServer(builder=lambda: builds.append(1), host="127.0.0.1", port=port,
                          root=site)
server.watch(str(docs))
try:
    changed = use_change_events(server)
finally:
    for fd in taken:
        os.close(fd)
thread = threading.Thread(target=server.serve, daemon=True)
thread.start()
time.sleep(0.5)
(docs / "a.md").write_text("# A, edited\n", "utf-8")
deadline = time.monotonic() + 10
while not builds and time.monotonic() < deadline:
    time.sleep(0.05)
time.sleep(1.2)
print(json.dumps({"taken": len(taken), "changed": changed, "builds": len(builds),
                  "observer": type(server.observer).__name__,
                  "delay": server.build_delay}))
server.shutdown(wait=True)
"""


def test_without_change_events_the_preview_polls(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n", "utf-8")
    (tmp_path / "site").mkdir()
    result = subprocess.run([sys.executable, "-c", _NO_INSTANCES, str(docs),
                             str(tmp_path / "site"), str(_port())],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["taken"] > 0, "no inotify instance could be opened at all"
    assert out["changed"] is False
    assert out["observer"] == "PollingObserver"
    assert out["delay"] == 0.1
    assert "file change events are not available" in result.stderr
    assert "safetykb serve --poll" in result.stderr
    # Polled, a save is one rebuild.
    assert out["builds"] == 1


def test_watch_limit_reached_at_start_falls_back_to_polling(
        preview: Preview, caplog: pytest.LogCaptureFixture) -> None:
    """Watches are added when the watcher starts (inotify's
    max_user_watches can be reached there): a folder that cannot be watched
    then sends the preview back to polling, still rebuilding on a save."""
    assert use_change_events(preview.server)
    observer = preview.server.observer
    assert isinstance(observer, ChangeObserver)
    real_start = Observer.start

    def start_with_watches_used_up(self: Any) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    Observer.start = start_with_watches_used_up  # type: ignore[method-assign]
    try:
        with caplog.at_level(logging.WARNING, "mkdocs.plugins.safetykb"):
            preview.start()
    finally:
        Observer.start = real_start  # type: ignore[method-assign]
    assert isinstance(preview.server.observer, PollingObserver)
    assert "inotify watch limit reached" in caplog.text
    (preview.docs / "sub" / "b.md").write_text("# B, edited\n", "utf-8")
    preview.wait_builds(1)
    time.sleep(1.2)
    assert preview.builds == 1


def test_the_plugin_watches_with_change_events_unless_asked_to_poll(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for poll, observer in ((None, ChangeObserver), ("1", PollingObserver)):
        server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=_port(),
                                  root=str(tmp_path))
        server.watch(str(tmp_path))
        plugin = SafetyKBPlugin()
        plugin.watch = [tmp_path / "more"]
        if poll is None:
            monkeypatch.delenv(POLL_ENV, raising=False)
        else:
            monkeypatch.setenv(POLL_ENV, poll)
        assert plugin.on_serve(server, config=None, builder=None) is server  # type: ignore[arg-type]
        assert type(server.observer) is observer
        # What MkDocs watched before, and the plugin's folders, are watched.
        assert set(server._watched_paths) == {str(tmp_path), str(tmp_path / "more")}
        assert {e.watch.path for e in server.observer.emitters} == set(server._watched_paths)
        server.server_close()
