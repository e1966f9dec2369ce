"""Measure safetykb on synthetic knowledge bases, side by side in one run.

    .venv/bin/python benchmarks/run.py                  # sizes 100 1000 5000, 3 runs
    .venv/bin/python benchmarks/run.py --sizes 100 1000 --runs 5 --only check build
    .venv/bin/python benchmarks/run.py --write-docs     # also update developer-docs/performance.md

Every measurement is a function in MEASUREMENTS taking (kb, workdir) and
returning a dict of numbers; each is run --runs times in fresh processes and
the median is reported. Adding a measurement (printed sheets, search time in
a browser) is adding one function. Results go to a table on stdout and to
benchmarks/out/results.json (and developer-docs/performance.md with --write-docs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
PY = sys.executable
sys.path.insert(0, str(REPO / "src"))

from safetykb.synth import generate  # noqa: E402

Measurement = Callable[[Path, Path], dict[str, float]]


def timed(cmd: list[str], cwd: Path | None = None,
          env: dict[str, str] | None = None) -> dict[str, float]:
    """Wall seconds and peak resident memory (MB, largest process) of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{err.decode()[-2000:]}")
    return {"s": wall, "MB": usage.ru_maxrss / 1024}


# Cold rows run without the cache of checked documents (``.safetykb_cache``),
# as a first run or a CI job without a kept cache does; warm rows time a
# second run against a cache the first one wrote (in the run's own folder, so
# no row leaves a cache in the knowledge base for another to find).
_COLD = {**os.environ, "SAFETYKB_NO_CACHE": "1"}


def _warm(work: Path) -> dict[str, str]:
    return {**os.environ, "SAFETYKB_CACHE_DIR": str(work / "cache")}


def _check_cmd(root: Path, *extra: str) -> list[str]:
    return [PY, "-m", "safetykb.cli", "check", "--root", str(root), *extra]


def measure_check(kb: Path, work: Path) -> dict[str, float]:
    """`safetykb check`, cold (target: 1.5 s at 1000, 5 s at 5000 documents)."""
    return timed(_check_cmd(kb), env=_COLD)


def measure_check_warm(kb: Path, work: Path) -> dict[str, float]:
    """`safetykb check` again with nothing changed: every document from the cache."""
    timed(_check_cmd(kb), env=_warm(work))
    return timed(_check_cmd(kb), env=_warm(work))


def measure_build(kb: Path, work: Path) -> dict[str, float]:
    site = work / "site-build"
    result = timed([PY, "-m", "safetykb.cli", "build", "--root", str(kb), "--site-dir", str(site)],
                   env=_COLD)
    # The search index the site serves: Pagefind's bundles.
    result["index MB"] = sum(p.stat().st_size for p in (site / "pagefind").rglob("*")
                             if p.is_file()) / 1e6
    result["site MB"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6
    return result


def _baseline_project(kb: Path, work: Path) -> Path:
    """The same pages for plain MkDocs + Material: the knowledge base's own
    mkdocs.yml (theme, navigation.prune, search, extensions) without our hooks,
    the documents copied into docs/ as they are."""
    base = work / "baseline"
    if not base.exists():
        shutil.copytree(kb / "docs", base / "docs")
        for folder in ("procedures", "checklists"):
            shutil.copytree(kb / folder, base / "docs" / folder)
        config = (kb / "mkdocs.yml").read_text("utf-8")
        config = re.sub(r"^  - safetykb\n", "", config, flags=re.M)
        assert not re.search(r"^  - safetykb$", config, re.M)
        (base / "mkdocs.yml").write_text(config, "utf-8")
    return base


def measure_baseline(kb: Path, work: Path) -> dict[str, float]:
    base = _baseline_project(kb, work)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return timed([PY, "-m", "mkdocs", "build", "-q", "-f", str(base / "mkdocs.yml"),
                  "-d", str(work / "site-baseline")], env=env)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def measure_preview(kb: Path, work: Path) -> dict[str, float]:
    """Seconds from saving one document to the served page showing the change."""
    port = _free_port()
    proc = subprocess.Popen([PY, "-m", "safetykb.cli", "serve", "--root", str(kb), "-a",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    doc = sorted((kb / "procedures").rglob("proc-*.md"))[0]
    rel = doc.relative_to(kb).with_suffix("").as_posix()
    url = f"http://127.0.0.1:{port}/{rel}/"
    original = doc.read_text("utf-8")
    try:
        deadline = time.monotonic() + 900
        while _get(url) is None:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("serve did not come up")
            time.sleep(0.1)
        time.sleep(1.0)  # let the watcher settle after the first build
        marker = f"Edited at {time.time_ns()}"
        started = time.perf_counter()
        doc.write_text(original.replace("## Purpose\n", f"## Purpose\n\n{marker}\n", 1), "utf-8")
        while True:
            page = _get(url)
            if page and marker in page:
                break
            if time.perf_counter() - started > 300:
                raise RuntimeError("the edit never showed")
            time.sleep(0.02)
        return {"s": time.perf_counter() - started}
    finally:
        doc.write_text(original, "utf-8")
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=30)


# Printed sheets, measured in a fresh process: every checklist of the
# knowledge base laid out and drawn (QR code included) one at a time; medians
# per language, and the largest file. The site URL is set so that every sheet
# carries its QR code.
_PDF_SHEETS = r"""
import json, statistics, sys, time
from pathlib import Path
from safetykb.config import load_config
from safetykb.loader import load_kb
from safetykb.rules import default_levels
from safetykb.pdf.layout import layout_sheet
from safetykb.pdf.render import render_sheet
root = Path(sys.argv[1])
kb = load_kb(root, load_config(root, default_levels()))
times = {"en": [], "zh": []}
sizes = {"en": [], "zh": []}
for doc in kb.documents:
    if doc.type != "checklist" or doc.status != "approved":
        continue
    lang = doc.lang or kb.config.lang
    started = time.perf_counter()
    data = render_sheet(layout_sheet(doc, kb.config, commit="0123abc",
                                     site_url="https://kb.example.com/", root=root))
    times[lang].append(time.perf_counter() - started)
    sizes[lang].append(len(data))
if not times["zh"]:
    # The generator writes no Chinese checklists: measure 100 of its Chinese
    # checklist texts, loaded like any document.
    import datetime, random, tempfile
    from safetykb.loader import load_document
    from safetykb.synth import checklist
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(100):
            path = Path(tmp) / f"cl-zh-{n}.md"
            path.write_text(checklist(f"CL-ZH-{n:05d}", datetime.date(2026, 1, 1), rng, True,
                                      "PROC-ZH-00001"), "utf-8")
            doc = load_document(path, Path(tmp), kb.config)
            started = time.perf_counter()
            data = render_sheet(layout_sheet(doc, kb.config, commit="0123abc",
                                             site_url="https://kb.example.com/", root=root))
            times["zh"].append(time.perf_counter() - started)
            sizes["zh"].append(len(data))
out = {}
for lang in ("en", "zh"):
    if times[lang]:
        out[f"ms {lang}"] = statistics.median(times[lang]) * 1000
        out[f"KB max {lang}"] = max(sizes[lang]) / 1000
print(json.dumps(out))
"""

_PDF_PUBLISH = r"""
import json, sys, tempfile, time
from pathlib import Path
from safetykb.config import load_config
from safetykb.loader import load_kb
from safetykb.rules import default_levels
from safetykb.pdf import publish_sheets
root = Path(sys.argv[1])
kb = load_kb(root, load_config(root, default_levels()))
with tempfile.TemporaryDirectory() as out:
    started = time.perf_counter()
    written = publish_sheets(kb, Path(out), commit="0123abc",
                             site_url="https://kb.example.com/")
    print(json.dumps({"s": time.perf_counter() - started, "sheets": len(written)}))
"""


def _python_json(code: str, *args: str) -> dict[str, float]:
    result = subprocess.run([PY, "-c", code, *args], capture_output=True, text=True,
                            cwd=REPO)
    if result.returncode != 0:
        raise RuntimeError(f"measurement failed:\n{result.stderr[-2000:]}")
    return {k: float(v) for k, v in json.loads(result.stdout).items()}


def measure_pdf_sheet(kb: Path, work: Path) -> dict[str, float]:
    """Median milliseconds per checklist sheet (layout + PDF + QR) and largest size."""
    return _python_json(_PDF_SHEETS, str(kb))


def measure_pdf_publish(kb: Path, work: Path) -> dict[str, float]:
    """Seconds of the build's PDF step alone: every approved checklist and action."""
    return _python_json(_PDF_PUBLISH, str(kb))


_GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
            "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org",
            "GIT_CONFIG_GLOBAL": os.devnull}


def _git_change(kb: Path, work: Path) -> Path:
    """The knowledge base in a git repository: the base on main, then a branch
    that moves 100 documents and confirms 100 others at review (review_due)."""
    repo = work / "git-kb"
    if (repo / ".git").is_dir():
        return repo
    shutil.copytree(kb, repo, ignore=shutil.ignore_patterns(".generated", ".safetykb_cache"))

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=_GIT_ENV, check=True,
                       stdout=subprocess.DEVNULL)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    git("checkout", "-q", "-b", "change")
    docs = sorted(repo.glob("procedures/*/*/*.md"))
    for path in docs[:100]:
        (path.parent / "moved").mkdir(exist_ok=True)
        path.rename(path.parent / "moved" / path.name)
    for path in docs[100:200]:
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"^review_due: .*$", "review_due: 2099-12-31", text, count=1,
                               flags=re.M), "utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "change")
    return repo


def measure_against(kb: Path, work: Path) -> dict[str, float]:
    """`safetykb check --against main` on a branch (target: 3 s at 5000 documents)."""
    repo = _git_change(kb, work)
    return timed(_check_cmd(repo, "--against", "main"), env=_COLD)


def measure_against_warm(kb: Path, work: Path) -> dict[str, float]:
    """`safetykb check --against main` again, the branch's documents from the cache."""
    repo = _git_change(kb, work)
    timed(_check_cmd(repo, "--against", "main"), env=_warm(work))
    return timed(_check_cmd(repo, "--against", "main"), env=_warm(work))


def measure_history(kb: Path, work: Path) -> dict[str, float]:
    """Revision history of every document from git (target: 1 s at 1000
    documents), measured inside the process, cold (no cache)."""
    repo = _git_change(kb, work)
    code = ("import time, json, sys; from pathlib import Path; "
            "from safetykb.history import kb_history; t = time.perf_counter(); "
            "h = kb_history(Path(sys.argv[1])); "
            "print(json.dumps({'s': time.perf_counter() - t, 'docs': len(h.last_changed)}))")
    out = subprocess.run([PY, "-c", code, str(repo)], capture_output=True, text=True,
                         check=True).stdout
    return {k: float(v) for k, v in json.loads(out).items()}


# --- search: ours (Pagefind) against Material's default (lunr) --------------
#
# Both sites are built from the same pages (ours by `safetykb build`,
# Material's by the baseline project) and kept under out/, rebuilt when the
# knowledge base, the site code (src/) or the engines' versions change. Every
# run is one cold load of each in a new headless Chromium (Debian's
# `chromium`), measured the same way for both engines:
#   - "first s": navigation start to the first frame painted with a search
#     result in it (the query is typed as soon as the search box is visible);
#   - "KB before first": what the server sent until then (workers included:
#     counted by the server; with --gzip, compressed as an intranet server
#     would send it, reported as "gzip" 1);
#   - "keystroke ms": for each later key, one at a time, the median time
#     from the key to the frame painted with its results (the last change
#     of the result list it caused).

SEARCH_QUERY = ("vent", "ilati")  # typed at once, then one key at a time
SEARCH_FILES = r"^/(pagefind/|search/|assets/javascripts/(workers|lunr)/)"
#: Serve the search sites gzip-compressed (--gzip).
SEARCH_GZIP = False
_STAMP = ".bench-stamp"


def _site_stamp(kb: Path, code: bool, *packages: str) -> str:
    """What a built search site depends on: the knowledge base (its
    generation stamp), with ``code`` every file of the site code under src/,
    and the versions of the packages named."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256()
    digest.update((kb / ".generated").read_bytes() if (kb / ".generated").is_file() else b"")
    for path in sorted((REPO / "src").rglob("*")) if code else []:
        if path.is_file() and "__pycache__" not in path.parts and ".egg-info" not in str(path):
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    for name in packages:
        digest.update(f"{name}={version(name)}".encode())
    return digest.hexdigest()


def _search_sites(kb: Path) -> tuple[Path, Path]:
    ours, theirs = OUT / f"search-{kb.name}-ours", OUT / f"search-{kb.name}-material"
    stamps = {ours: _site_stamp(kb, True, "pagefind", "mkdocs-material"),
              theirs: _site_stamp(kb, False, "mkdocs", "mkdocs-material")}

    def fresh(site: Path) -> bool:
        return (site / _STAMP).is_file() and (site / _STAMP).read_text("utf-8") == stamps[site]

    if not fresh(ours) or not (ours / "pagefind").is_dir():
        if not ours.is_symlink():  # (a link: the build's own, replaced as it ends)
            shutil.rmtree(ours, ignore_errors=True)
        timed([PY, "-m", "safetykb.cli", "build", "--root", str(kb), "--site-dir", str(ours)])
        (ours / _STAMP).write_text(stamps[ours], "utf-8")
    if not fresh(theirs) or not (theirs / "search" / "search_index.json").is_file():
        shutil.rmtree(theirs, ignore_errors=True)
        project = OUT / f"search-{kb.name}-project"
        shutil.rmtree(project, ignore_errors=True)
        base = _baseline_project(kb, project)
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        timed([PY, "-m", "mkdocs", "build", "-q", "-f", str(base / "mkdocs.yml"),
               "-d", str(theirs)], env=env)
        (theirs / _STAMP).write_text(stamps[theirs], "utf-8")
    return ours, theirs


#: Types a static server compresses with --gzip (Pagefind's own files are
#: compressed already and go as they are, as nginx's gzip_types would).
_GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml",
               "text/javascript")


class _Counted:
    """A static server for one site that logs (time, bytes sent, path) of
    every response; with ``gzip``, text is sent gzip-compressed to a client
    that accepts it."""

    def __init__(self, directory: Path, gzip: bool = False) -> None:
        import functools
        import gzip as gzip_module
        import http.server
        import threading

        log: list[tuple[float, int, str]] = []
        self.log = log

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.translate_path(self.path)
                if os.path.isdir(path):
                    if not self.path.split("?")[0].endswith("/"):
                        super().do_GET()  # the redirect to the folder
                        return
                    path = os.path.join(path, "index.html")
                if not os.path.isfile(path):
                    self.send_error(404)
                    return
                with open(path, "rb") as source:
                    body = source.read()
                kind = self.guess_type(path)
                self.send_response(200)
                self.send_header("Content-Type", kind)
                if (gzip and "gzip" in self.headers.get("Accept-Encoding", "")
                        and kind.startswith(_GZIP_TYPES)):
                    body = gzip_module.compress(body, 6)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                log.append((time.monotonic(), len(body), self.path))
                if os.environ.get("SKB_BENCH_VERBOSE"):
                    print(f"    {len(body):>9} {self.path}", file=sys.stderr)
                self.wfile.write(body)

        handler = functools.partial(Handler, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# In the page before its own scripts: the time of every key, and of every
# frame painted after a change of the search results (requestAnimationFrame
# after the change, then the task after that frame: the frame is painted).
_OBSERVE = """
window.__skbFirst = null; window.__skbPaint = []; window.__skbKeys = [];
const __skbPainted = (then) => requestAnimationFrame(() => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => then(performance.now());
  channel.port2.postMessage(0);
});
new MutationObserver((records) => {
  const inResults = records.some((r) => {
    const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    return node && node.closest && node.closest('.md-search-result');
  });
  if (!inResults) return;
  const shown = !!document.querySelector('.md-search-result__item');
  __skbPainted((t) => {
    window.__skbPaint.push(t);
    if (shown && window.__skbFirst === null) window.__skbFirst = t;
  });
}).observe(document, {subtree: true, childList: true, characterData: true});
document.addEventListener('keydown', () => window.__skbKeys.push(performance.now()), true);
"""


def _keystroke_ms(page: Any, key: str) -> float:
    """A key pressed: milliseconds to the last painted change of the result
    list it caused (the list quiet for 300 ms after it)."""
    page.keyboard.press(key)
    pressed = float(page.evaluate("window.__skbKeys[window.__skbKeys.length - 1]"))
    page.wait_for_function("t => window.__skbPaint.some(p => p > t)", arg=pressed,
                           timeout=30_000)
    page.wait_for_function("() => performance.now() - Math.max(...window.__skbPaint) > 300",
                           timeout=30_000, polling=50)
    after = [float(p) for p in page.evaluate("window.__skbPaint") if p > pressed]
    return max(after) - pressed


def _cold_search(site: Path, box: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    server = _Counted(site, gzip=SEARCH_GZIP)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update"])
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.add_init_script(_OBSERVE)
            page.goto(server.url, wait_until="commit")
            started = server.log[0][0] if server.log else time.monotonic()
            # Typed as soon as the box is on screen, as a person would.
            page.locator(box).wait_for(state="visible", timeout=60_000)
            page.locator(box).click()
            page.locator(box).press_sequentially(SEARCH_QUERY[0])
            page.wait_for_function("window.__skbFirst !== null", timeout=300_000, polling=50)
            first_ms = float(page.evaluate("window.__skbFirst"))
            # The page on screen (DOMContentLoaded) and the first key typed.
            page_ms = float(page.evaluate(
                "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
            key_ms = float(page.evaluate("window.__skbKeys[0]"))
            log = [(size, path) for when, size, path in list(server.log)
                   if when <= started + first_ms / 1000]
            sent = sum(size for size, _ in log)
            # What the search itself fetched: the index and the search code.
            searched = sum(size for size, path in log if re.search(SEARCH_FILES, path))
            # Later keys, one at a time, once the first results have settled.
            page.wait_for_function(
                "performance.now() - Math.max(...window.__skbPaint) > 500", timeout=60_000,
                polling=50)
            waits = [_keystroke_ms(page, key) for key in SEARCH_QUERY[1]]
            browser.close()
    finally:
        server.close()
    return {"first s": first_ms / 1000, "page s": page_ms / 1000,
            "from first key ms": first_ms - key_ms, "KB before first": sent / 1000,
            "search KB": searched / 1000, "keystroke ms": statistics.median(waits),
            "gzip": float(SEARCH_GZIP)}


def measure_search(kb: Path, work: Path) -> dict[str, float]:
    """Ours: time to the first result, bytes before it, later keystrokes,
    and the index build alone (fresh process, on a hard-linked copy of the
    site: the measured site keeps the index its build wrote)."""
    ours, _ = _search_sites(kb)
    result = _cold_search(ours, "#skb-search-input")
    result["index MB"] = sum(p.stat().st_size for p in (ours / "pagefind").rglob("*")
                             if p.is_file()) / 1e6
    copy = work / "search-index-copy"
    shutil.copytree(ours, copy, copy_function=os.link,
                    ignore=lambda folder, names: ["pagefind"] if Path(folder) == ours else [])
    code = ("import json, sys, time; from pathlib import Path; "
            "from safetykb.search import build_index; t = time.perf_counter(); "
            "r = build_index(Path(sys.argv[1])); "
            "print(json.dumps({'index s': time.perf_counter() - t}))")
    out = subprocess.run([PY, "-c", code, str(copy)], capture_output=True, text=True,
                         check=True, cwd=REPO).stdout
    result.update({k: float(v) for k, v in json.loads(out).items()})
    return result


def measure_search_material(kb: Path, work: Path) -> dict[str, float]:
    """Material's default search on the same pages (its index is built in the
    browser on every load: that time is in "first s")."""
    _, theirs = _search_sites(kb)
    result = _cold_search(theirs, "input.md-search__input")
    result["index MB"] = (theirs / "search" / "search_index.json").stat().st_size / 1e6
    return result


#: The calibration page's script: the search box of our site with no engine
#: behind it; the third character typed shows one result at once, each later
#: key replaces it.
_FLOOR_SCRIPT = """(function () {
  var input = document.getElementById("skb-search-input");
  var list = document.querySelector(".md-search-result__list");
  var toggle = document.getElementById("__search");
  input.addEventListener("focus", function () {
    if (toggle && !toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
  });
  input.addEventListener("input", function () {
    if (input.value.trim().length < 3) return;
    var item = document.createElement("li");
    item.className = "md-search-result__item";
    item.textContent = input.value;
    list.replaceChildren(item);
  });
})();
"""


def measure_search_floor(kb: Path, work: Path) -> dict[str, float]:
    """Calibration, not a search: our site's pages with a search box that
    needs no engine (the third character typed shows a result at once). Its
    "first s" is what this harness on this machine takes for the page, the
    click and the typing alone; an engine's own cost is its "first s" above
    this one."""
    ours, _ = _search_sites(kb)
    copy = work / "search-floor"
    shutil.copytree(ours, copy, copy_function=os.link,
                    ignore=lambda folder, names: ["pagefind"] if Path(folder) == ours else [])
    script = copy / "assets" / "safetykb" / "site.js"
    script.unlink()  # a hard link to the measured site's file: replaced, not written
    script.write_text(_FLOOR_SCRIPT, "utf-8")
    result = _cold_search(copy, "#skb-search-input")
    return {k: v for k, v in result.items() if k != "search KB"}


MEASUREMENTS: dict[str, Measurement] = {
    "check": measure_check,
    "check-warm": measure_check_warm,
    "build": measure_build,
    "material-baseline": measure_baseline,
    "preview-edit": measure_preview,
    "pdf-sheet": measure_pdf_sheet,
    "pdf-publish": measure_pdf_publish,
    "against": measure_against,
    "against-warm": measure_against_warm,
    "history": measure_history,
    "search": measure_search,
    "search-material": measure_search_material,
    "search-floor": measure_search_floor,
}


def knowledge_base(size: int) -> Path:
    path = OUT / f"kb-{size}"
    stamp = path / ".generated"
    if not stamp.exists():
        shutil.rmtree(path, ignore_errors=True)
        generate(path, size, today=dt.date.today())
        stamp.write_text(dt.date.today().isoformat())
    return path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=list(MEASUREMENTS))
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--gzip", action="store_true",
                        help="serve the search sites gzip-compressed, as an intranet server would")
    parser.add_argument("--from-json", action="store_true",
                        help="re-render the last results.json without measuring")
    args = parser.parse_args()
    if args.from_json:
        report = json.loads((OUT / "results.json").read_text("utf-8"))
        table = render(report["results"], report["runs"])
        print(table)
        if args.write_docs:
            write_docs(report, table)
        return
    names = args.only or list(MEASUREMENTS)
    global SEARCH_GZIP
    SEARCH_GZIP = args.gzip
    OUT.mkdir(exist_ok=True)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for size in args.sizes:
        kb = knowledge_base(size)
        for group in _groups(names):
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in group}
            for n in range(args.runs):
                # The measurements of a group take turns (A B C, B C A, ...): a
                # machine whose speed drifts during the run slows them alike.
                for name in group[n % len(group):] + group[:n % len(group)]:
                    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
                        runs[name].append(MEASUREMENTS[name](kb, Path(tmp)))
                    print(f"  {size:>5} {name:<18} run {n + 1}: "
                          + ", ".join(f"{v:.2f} {k}" for k, v in runs[name][-1].items()),
                          file=sys.stderr)
            for name in group:
                results.setdefault(str(size), {})[name] = {
                    key: statistics.median(r[key] for r in runs[name]) for key in runs[name][0]}
            if group == PAIRED:
                # The median of the ratios of runs made one after the other.
                results[str(size)]["build / material-baseline"] = {"ratio": statistics.median(
                    a["s"] / b["s"] for a, b in zip(*runs.values(), strict=True))}
    table = render(results, args.runs)
    print(table)
    report = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
              "runs": args.runs, "results": results}
    (OUT / "results.json").write_text(json.dumps(report, indent=2), "utf-8")
    if args.write_docs:
        write_docs(report, table)


#: Measured in turns, run by run: their ratio is a target.
PAIRED = ("build", "material-baseline")
#: Measured in turns too: the two engines side by side, and the calibration.
SEARCH_GROUP = ("search", "search-material", "search-floor")


def _groups(names: list[str]) -> list[tuple[str, ...]]:
    """The measurements in order; those of a group asked for together (two
    or more of it) are one group, measured in turns."""
    out: list[tuple[str, ...]] = []
    for name in names:
        group = next((g for g in (PAIRED, SEARCH_GROUP) if name in g), None)
        asked = tuple(n for n in group if n in names) if group else ()
        if len(asked) > 1:
            if asked not in out:
                out.append(asked)
        else:
            out.append((name,))
    return out


def render(results: dict[str, dict[str, dict[str, float]]], runs: int) -> str:
    lines = [f"| documents | measurement | median of {runs} |", "|---:|---|---|"]
    for size, by_name in results.items():
        for name, values in by_name.items():
            if "ratio" in values:
                lines.append(f"| {size} | {name} (run by run) | {values['ratio']:.2f}× |")
                continue
            shown = ", ".join(f"{v:.2f} {k}" if k != "MB" else f"{v:.0f} MB peak"
                              for k, v in values.items())
            lines.append(f"| {size} | {name} | {shown} |")
        if "build" in by_name and "material-baseline" in by_name \
                and "build / material-baseline" not in by_name:
            ratio = by_name["build"]["s"] / by_name["material-baseline"]["s"]
            lines.append(f"| {size} | build / material-baseline | {ratio:.2f}× |")
    return "\n".join(lines)


def write_docs(report: dict[str, object], table: str) -> None:
    page = REPO / "developer-docs/performance.md"
    text = page.read_text("utf-8")
    start, end = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
    block = (f"{start}\nMeasured {report['date']} on {report['machine']} by "
             f"`benchmarks/run.py`.\n\n{table}\n{end}")
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    page.write_text(before + block + after, "utf-8")
    # The numbers behind the table, kept in the repository beside it.
    (REPO / "benchmarks/results-latest.json").write_text(json.dumps(report, indent=2) + "\n",
                                                         "utf-8")


if __name__ == "__main__":
    main()
