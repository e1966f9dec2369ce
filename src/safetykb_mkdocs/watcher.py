"""The live preview's file watcher: kernel change events instead of polling.

MkDocs 1.6's ``LiveReloadServer`` polls every watched folder twice a second
(``PollingObserver``, 0.5 s): a save waits 0.25 s on average, up to 0.5 s,
before the rebuild starts, and each poll walks and stats every file of the
knowledge base. On Linux (inotify), macOS (FSEvents) and Windows watchdog's
native observer reports a change as it happens.

Only events that change content start a rebuild: a native observer also
reports files being opened and closed unwritten, which is what the rebuild
itself does to every document, and would rebuild for ever.

When the native observer cannot be had (inotify's instance or watch limits
reached), the preview falls back to MkDocs' polling with a warning. A file
system that sends no events at all (some network shares and container
mounts) cannot be told from one where nothing changes: ``safetykb serve
--poll`` asks for polling from the start.
"""

from __future__ import annotations

import logging
from typing import Any

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from safetykb.sitebuild import POLL_ENV

__all__ = ["POLL_ENV", "ChangeObserver", "use_change_events"]

log = logging.getLogger("mkdocs.plugins.safetykb")

#: Events that mean a file's content or place changed (not opened or read).
CHANGES: list[type[FileSystemEvent]] = [
    FileModifiedEvent, FileCreatedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
]
#: Seconds of quiet after a change before the rebuild (MkDocs: 0.1). An
#: editor's save (write, close, sometimes a rename) arrives within a few ms.
BUILD_DELAY = 0.03
#: MkDocs' polling interval, for the fallback.
POLL_SECONDS = 0.5


class ChangeObserver(Observer):  # type: ignore[misc,valid-type]
    """The platform's native observer, reporting content changes only.

    If it cannot start, the server it watches for goes back to polling the
    same paths (with MkDocs' own event handlers)."""

    def __init__(self, server: Any) -> None:
        super().__init__()
        self.server = server
        self.scheduled: list[tuple[Any, str, bool]] = []

    def schedule(self, event_handler: Any, path: str, *, recursive: bool = False,
                 event_filter: Any = None, follow_symlink: bool = False) -> Any:
        self.scheduled.append((event_handler, path, recursive))
        return super().schedule(event_handler, path, recursive=recursive,
                                event_filter=event_filter or CHANGES,
                                follow_symlink=follow_symlink)

    def start(self) -> None:
        try:
            super().start()
        except OSError as exc:
            _poll(self.server, exc, self.scheduled)


def _poll(server: Any, exc: OSError, scheduled: list[tuple[Any, str, bool]] | None,
          counts: dict[str, int] | None = None) -> None:
    """Back to MkDocs' polling: ``scheduled`` (handler, path, recursive) are
    watched again, or, before the server started, the folders of ``counts``
    (path: times watched)."""
    _warn(exc)
    fallback = PollingObserver(timeout=POLL_SECONDS)
    server.build_delay = 0.1
    if scheduled is None:
        _unwatch_all(server)
        server.observer = fallback
        _watch_all(server, counts or {})
        return
    for handler, path, recursive in scheduled:
        fallback.schedule(handler, path, recursive=recursive)
    server.observer = fallback
    fallback.start()


def _warn(exc: OSError) -> None:
    log.warning(f"file change events are not available ({exc}); looking for changes "
                f"every {POLL_SECONDS} s instead (safetykb serve --poll)")


def _unwatch_all(server: Any) -> dict[str, int]:
    counts = dict(server._watched_paths)
    for path, count in counts.items():
        for _ in range(count):
            try:
                server.unwatch(path)
            except KeyError:  # its watch was never made (the observer failed)
                server._watched_paths.pop(path, None)
    return counts


def _watch_all(server: Any, counts: dict[str, int]) -> None:
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)


def use_change_events(server: Any) -> bool:
    """Give MkDocs' live-reload ``server`` a :class:`ChangeObserver` and a
    short build delay; the folders it watches already are watched again.
    False, the server left polling as MkDocs made it, when it is not the
    MkDocs 1.6 server this adapter knows or the system has no change events
    to give (a warning says so)."""
    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict) or not isinstance(
            getattr(server, "observer", None), PollingObserver) \
            or not hasattr(server, "build_delay"):
        return False
    try:
        observer = ChangeObserver(server)
    except OSError as exc:  # no inotify instance left (EMFILE), say
        _warn(exc)
        return False
    counts = _unwatch_all(server)
    server.observer = observer
    server.build_delay = BUILD_DELAY
    try:
        _watch_all(server, counts)
    except OSError as exc:  # a folder the system will not watch
        _poll(server, exc, None, counts)
        return False
    return True
