"""``safetykb serve``: the live preview rebuilds when a controlled document
changes (the documents live outside MkDocs' docs_dir)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _wait_for(url: str, text: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in _get(url):
            return
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never showed at {url}")


def _serve(tmp_path: Path, *options: str) -> tuple[Path, int, subprocess.Popen[bytes], IO[str]]:
    """`safetykb serve` of a new `init` knowledge base, logging to serve.log:
    (knowledge base, port, server, log)."""
    kb = tmp_path / "kb"
    subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(kb)], check=True,
                   capture_output=True)
    port = _port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "safetykb.cli", "serve", "--root", str(kb),
                               "-a", f"127.0.0.1:{port}", *options], stdout=log, stderr=log,
                              start_new_session=True)
    return kb, port, server, log


def test_preview_shows_an_edited_document(tmp_path: Path) -> None:
    kb, port, server, log = _serve(tmp_path)
    url = f"http://127.0.0.1:{port}/procedures/gen/proc-gen-001/"
    doc = kb / "procedures/gen/proc-gen-001.md"
    try:
        # The sample is a draft: the preview shows it, marked, for its author.
        _wait_for(url, 'data-skb-id="PROC-GEN-001"')
        assert "skb-banner-draft" in _get(url)
        time.sleep(1)  # the watcher starts after the first build
        doc.write_text(doc.read_text("utf-8").replace(
            "## Purpose\n", "## Purpose\n\nEdited while previewing.\n", 1), "utf-8")
        _wait_for(url, "Edited while previewing.")
        # One save, one rebuild: the rebuild's own reading of every document
        # (reported as file events by the system) starts no other.
        time.sleep(1.5)
        assert (tmp_path / "serve.log").read_text("utf-8").count(
            "Building documentation") == 2
        # A broken edit is reported in the check's format (MkDocs then holds requests
        # until the next good build); mending it brings the page back.
        doc.write_text(doc.read_text("utf-8").replace("status: draft", "status: aproved"),
                       "utf-8")
        deadline = time.monotonic() + 60
        while "FM004" not in (tmp_path / "serve.log").read_text("utf-8"):
            assert time.monotonic() < deadline, "the broken edit was not reported"
            time.sleep(0.1)
        assert "procedures/gen/proc-gen-001.md:6:1: error FM004" in \
            (tmp_path / "serve.log").read_text("utf-8")
        doc.write_text(doc.read_text("utf-8").replace("status: aproved", "status: draft")
                       .replace("Edited while previewing.", "Mended."), "utf-8")
        _wait_for(url, "Mended.")
        # The generated pages follow an edit of the front matter (the preview
        # rewrites only the generated files whose text changed, and keeps the
        # others).
        base = f"http://127.0.0.1:{port}/"
        schema = _get(base + "schema/front-matter.json")
        assert '"properties"' in schema
        doc.write_text(doc.read_text("utf-8").replace(
            "title: Hidden-danger reporting and rectification",
            "title: Reporting hidden dangers, renamed"), "utf-8")
        for page in ("id/PROC-GEN-001/", "reference/register/"):
            _wait_for(base + page, "Reporting hidden dangers, renamed")
        assert _get(base + "schema/front-matter.json") == schema
        # A build that fails once the generated files are listed (the sanitiser
        # would cut the page) leaves them as they may be: the next good build
        # writes them again.
        renamed = doc.read_text("utf-8").replace("title: Reporting hidden dangers, renamed",
                                                 "title: Renamed twice")
        doc.write_text(renamed + '\nPress <kbd data-key="stop">Stop</kbd>.\n', "utf-8")
        deadline = time.monotonic() + 60
        while "lose content" not in (tmp_path / "serve.log").read_text("utf-8"):
            assert time.monotonic() < deadline, "the failed build was not reported"
            time.sleep(0.1)
        doc.write_text(renamed + "\nPress <kbd>Stop</kbd>.\n", "utf-8")
        _wait_for(base + "id/PROC-GEN-001/", "Renamed twice")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    assert "Traceback" not in (tmp_path / "serve.log").read_text("utf-8")


def test_preview_polls_when_asked(tmp_path: Path) -> None:
    """``--poll``: for folders whose file system sends no change events
    (network shares, some container mounts)."""
    kb, port, server, log = _serve(tmp_path, "--poll")
    url = f"http://127.0.0.1:{port}/procedures/gen/proc-gen-001/"
    doc = kb / "procedures/gen/proc-gen-001.md"
    try:
        _wait_for(url, 'data-skb-id="PROC-GEN-001"')
        time.sleep(1)
        doc.write_text(doc.read_text("utf-8").replace(
            "## Purpose\n", "## Purpose\n\nEdited while polling.\n", 1), "utf-8")
        _wait_for(url, "Edited while polling.")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    text = (tmp_path / "serve.log").read_text("utf-8")
    assert "Traceback" not in text
    assert text.count("Building documentation") == 2
    assert "looking for changes twice a second (--poll)" in text


def test_a_port_in_use_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    subprocess.run([sys.executable, "-m", "safetykb.cli", "init", str(kb)], check=True,
                   capture_output=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "safetykb.cli", "serve", "--root", str(kb),
                                 "-a", f"127.0.0.1:{port}"], capture_output=True, text=True,
                                timeout=120)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"127.0.0.1:{port}: cannot serve there: another server is using it" in result.stderr
    bad = subprocess.run([sys.executable, "-m", "safetykb.cli", "serve", "--root", str(kb),
                          "-a", "no-such-host.invalid:8000"], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr
