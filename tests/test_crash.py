"""Killing pressfeed (SIGKILL, as cron timeouts, OOM killers and reboots do) and running commands that overlap.

Issue 11 found that a killed build left temp files forever and that workers
outlived a killed import/ingest while holding its stdout. These tests run the
real `pressfeed` command in a subprocess, kill it at varied moments, and check
what is left: files whole and either old or new, a sound store, no temp files
after the next run, the same end state as an uninterrupted run, no surviving
process and nothing left in the temp directory.

Processes are found through /proc, so these tests run on Linux only. Every
command is started with a unique PRESSFEED_TEST_RUN variable in its
environment, which its children (forkserver, resource tracker, workers)
inherit: a survivor is any process still carrying it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import run_pressfeed

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")

ROOT = Path(__file__).resolve().parents[1]
PRESS = "https://www.korea.kr/briefing/pressReleaseView.do?newsId="

CONFIG = """\
site:
  title: 포탈뉴스통신
  url: https://www.example-portal.kr/
  feed_url: https://www.example-portal.kr/feeds/
  tag_authority: example-portal.kr,2025
sections:
{sections}
imports: []
fetch:
  workers: 2
  timeout: {timeout}
sources:
{sources}
"""
SECTIONS = [f"s{n:02d}" for n in range(12)]


# -- processes ----------------------------------------------------------------


def _environ_has(pid: str, marker: bytes) -> bool:
    try:
        return marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:  # gone, or not ours to read
        return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def tagged(tag: str) -> set[int]:
    """Live processes started by the command run with this tag (zombies are dead)."""
    marker = f"PRESSFEED_TEST_RUN={tag}".encode()
    pids = {int(p) for p in os.listdir("/proc") if p.isdigit() and _environ_has(p, marker)}
    return {p for p in pids if _state(p) not in ("Z", "X", "gone")}


class Command:
    """`pressfeed --site SITE ARGS…` in a subprocess, its stdout and stderr on pipes."""

    def __init__(self, site: Path, *args: str) -> None:
        self.tag = uuid.uuid4().hex
        # its own temp directory, to see what the command leaves there (short: a Unix socket's path
        # must fit 107 bytes, and multiprocessing puts the forkserver's in a directory under it)
        self.tmp = Path(tempfile.mkdtemp(prefix="pf-crash-"))
        env = {**os.environ, "PRESSFEED_TEST_RUN": self.tag, "TMPDIR": str(self.tmp)}
        env.pop("PRESSFEED_CONFIG", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pressfeed", "--site", str(site), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.out: dict[str, bytes] = {}
        self.eof: dict[str, threading.Event] = {}
        for name in ("stdout", "stderr"):
            self.eof[name] = threading.Event()
            threading.Thread(target=self._drain, args=(name,), daemon=True).start()

    def _drain(self, name: str) -> None:
        stream = getattr(self.proc, name)
        chunks = []
        while chunk := stream.read1(65536):  # b"" only when every holder of the pipe closed it
            chunks.append(chunk)
        self.out[name] = b"".join(chunks)
        self.eof[name].set()

    def processes(self) -> set[int]:
        return tagged(self.tag)

    def wait_for_processes(self, count: int, timeout: float = 30) -> set[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.processes()
            if len(found) >= count:
                return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError(f"fewer than {count} processes came up; stderr: {self.stderr()}")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def finish(self, timeout: float = 60) -> int:
        """The command's exit code, once it ended of itself; it must leave nothing in its temp directory."""
        code = self.proc.wait(timeout)
        for event in self.eof.values():
            event.wait(10)
        left = self._remove_tmp()
        assert not left, f"the command left temp files: {left}"
        return code

    def stderr(self) -> str:
        return self.out.get("stderr", b"").decode("utf-8", "replace")

    def assert_nothing_survives(self, within: float = 5.0) -> None:
        """No process of this command lives on, and both pipes reach EOF."""
        deadline = time.monotonic() + within
        survivors = self.processes()
        while survivors and time.monotonic() < deadline:
            time.sleep(0.05)
            survivors = self.processes()
        details = {p: Path(f"/proc/{p}/cmdline").read_bytes()[:100] for p in survivors if Path(f"/proc/{p}").exists()}
        for pid in survivors:  # don't leave them to the rest of the suite
            os.kill(pid, signal.SIGKILL)
        assert not survivors, f"processes outlived the killed command: {details}"
        for name, event in self.eof.items():
            assert event.wait(max(deadline - time.monotonic(), 0.5)), f"{name} pipe still held open"
        left = self._remove_tmp()
        assert not left, f"the killed command left temp files: {left}"

    def _remove_tmp(self) -> list[str]:
        """What the command left in its temp directory, which is then removed (a suite run leaves no litter)."""
        left = sorted(str(p.relative_to(self.tmp)) for p in self.tmp.rglob("*") if not self._tempdir_probe(p))
        shutil.rmtree(self.tmp)
        return left

    def _tempdir_probe(self, path: Path) -> bool:
        """CPython's own litter, not ours: the first `tempfile.gettempdir()` of a process checks that $TMPDIR is
        writable by creating a file there under 8 random characters, writing b"blat" and removing it. A kill
        between the two leaves that file; nothing in pressfeed can close the window."""
        return (
            path.parent == self.tmp
            and re.fullmatch(r"[a-z0-9_]{8}", path.name) is not None
            and path.is_file()
            and path.read_bytes() in (b"", b"blat")
        )


def run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_pressfeed(site, *args)


# -- servers ------------------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections on 127.0.0.1 and never answers: an ingest waits on it with its pool up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


# -- sites --------------------------------------------------------------------


def make_site(root: Path, sources: Sequence[tuple[str, str]] = (), timeout: float = 30) -> Path:
    sections = "\n".join(f"  {s}: {{title: 섹션{s[1:]}}}" for s in SECTIONS)
    listed = "\n".join(
        f"  - {{id: {i}, name: 기관{i}, url: '{u}', section: {SECTIONS[0]}, max_age_days: 0}}" for i, u in sources
    )
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    (root / "feeds" / "pressfeed.yaml").write_text(
        CONFIG.format(sections=sections, sources=listed or "  []", timeout=timeout), encoding="utf-8"
    )
    return root


def export(path: Path, count: int, version: str) -> Path:
    """A JSON Lines CMS export of `count` articles; `version` changes every title and body."""
    with path.open("w", encoding="utf-8") as fh:
        for n in range(count):
            record = {
                "id": f"20251107-{n:05d}",
                "title": f"{version} 보도자료 {n}: 과학기술정보통신부, 인공지능 기본계획 발표",
                "section": SECTIONS[n % len(SECTIONS)],
                "published": f"2025-11-{1 + n % 7:02d} {n % 24:02d}:{n % 60:02d}:00",
                "link": f"/news/articleView.html?idxno={n}",
                "byline": "포탈뉴스통신",
                "body_html": f"<p>{version} 본문 {n}. " + "정부는 오늘 인공지능 기본계획을 발표했다. " * 20 + "</p>",
                "tags": ["정책", version],
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


# -- workers die with their parent (issue 11, item 2) ---------------------------------------


def waiting_site(tmp_path: Path, silent_server: str) -> Path:
    """A site whose ingest starts the worker pool and then waits: the pool starts with the first parse, of one
    source's file, read at once; the other source's server never answers."""
    feed = tmp_path / "site" / "moef.xml"
    feed.parent.mkdir(parents=True)
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>기획재정부</title>'
        "<item><title>2026년 예산안</title><link>https://www.moef.go.kr/nw/1</link>"
        "<description>예산안을 발표했다.</description><pubDate>Fri, 07 Nov 2025 09:00:00 +0900</pubDate>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    return make_site(tmp_path / "site", [("moef", "moef.xml"), ("msit", f"{silent_server}/rss.xml")], timeout=120)


@pytest.mark.slow
def test_killed_ingest_leaves_no_workers_and_releases_stdout(tmp_path: Path, silent_server: str) -> None:
    command = Command(waiting_site(tmp_path, silent_server), "ingest")
    # the command, the resource tracker, the forkserver and at least one worker
    command.wait_for_processes(4)

    command.kill()

    command.assert_nothing_survives()


def importing(tmp_path: Path) -> tuple[Path, Command]:
    """A site, and an import into it of more than one chunk (the CLI normalizes in workers) once the command,
    the resource tracker, the forkserver and a worker run."""
    site = make_site(tmp_path / "site")
    data = export(tmp_path / "big.jsonl", 20_000, "v1")
    command = Command(site, "import", str(data))
    command.wait_for_processes(4)
    return site, command


@pytest.mark.slow
def test_killed_import_leaves_no_workers_and_releases_stdout(tmp_path: Path) -> None:
    _, command = importing(tmp_path)

    command.kill()

    command.assert_nothing_survives()


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)])
def test_a_stopped_ingest_says_so_ends_at_once_and_leaves_nothing(
    tmp_path: Path, silent_server: str, signum: int, code: int
) -> None:
    """An attack's: SIGTERM (a cron timeout, systemd) ended the run with no word but the resource tracker's
    "leaked semaphore"; Ctrl-C waited for the workers' jobs, then said "Aborted!" and exited 1, the code of a
    partial failure. A stop is said as one, at once, with the shell's code for the signal."""
    site = waiting_site(tmp_path, silent_server)
    command = Command(site, "run")
    command.wait_for_processes(4)  # the command, the resource tracker, the forkserver, a worker

    command.proc.send_signal(signum)

    assert command.proc.wait(20) == code
    command.assert_nothing_survives()  # no process, both pipes closed, no temp file
    name = signal.Signals(signum).name
    assert command.stderr() == f"error: interrupted by {name}: stopped; what it wrote is whole, the next run goes on\n"


#: a loop of 200 tasks (as 200 sources), stopped the moment the loop runs its Nth step: the step it took off its
#: queue is the one a raised stop lost
_LOST_STEP = """
import asyncio, os, signal, sys
from asyncio import events
from pressfeed import stops
from pressfeed.errors import Interrupted

calls, run = 0, events.Handle._run
def stepped(handle):
    global calls
    calls += 1
    if calls == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGTERM)  # (its handler runs here, before the step)
    return run(handle)
events.Handle._run = stepped

async def source(n):
    for _ in range(50):
        await asyncio.sleep(0)

async def main():
    await asyncio.gather(*(source(n) for n in range(200)))

stops.install()
try:
    stops.run_coroutine(main())
except Interrupted as exc:
    sys.exit(128 + exc.signum)
"""


@pytest.mark.parametrize("step", [50, 400, 2600])
def test_a_stop_between_the_event_loops_steps_loses_none(step: int) -> None:
    """An attack's: raised as the loop was about to run a task's step, the stop lost that step; the loop's shutdown
    then waited for that task for ever, holding the site's lock (9 of 16 runs, the moment forced). While a loop
    runs, a stop cancels its task, and is raised once the loop has closed."""
    done = subprocess.run([sys.executable, "-c", _LOST_STEP, str(step)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 143, done.stderr


_HANGING_CLEANUP = """
import asyncio, os, signal, sys, threading, time
from pressfeed import stops
from pressfeed.errors import Interrupted

async def peer():
    try:
        await asyncio.sleep(3600)
    finally:
        await asyncio.sleep(3600)  # a cleanup awaiting a peer that never answers

async def main():
    asyncio.ensure_future(peer())
    try:
        await asyncio.sleep(3600)
    finally:
        while sys.argv[1] == "stubborn":  # its own cleanup, deaf to cancelling
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                pass

def twice():
    for _ in range(2):
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGTERM)

stops.install()
threading.Thread(target=twice, daemon=True).start()
try:
    stops.run_coroutine(main())
except Interrupted as exc:
    sys.exit(128 + exc.signum)
"""


@pytest.mark.parametrize("task", ["peer", "stubborn"])
def test_a_second_stop_ends_a_shutdown_that_hangs(task: str) -> None:
    """A review's: the first stop cancels the loop's task; a task that does not unwind (another, or the loop's own)
    then holds the loop's shutdown. Every later stop only cancelled the task: nothing but SIGKILL ended the
    process, which held the site's lock. A second stop raises at once, as a second Ctrl-C does in asyncio."""
    script = [sys.executable, "-c", _HANGING_CLEANUP, task]
    done = subprocess.run(script, capture_output=True, text=True, timeout=30)
    assert done.returncode == 143, done.stderr


@pytest.mark.slow
def test_an_import_stopped_while_its_workers_run_ends_at_once(tmp_path: Path) -> None:
    site, command = importing(tmp_path)

    command.proc.send_signal(signal.SIGTERM)

    assert command.proc.wait(20) == 143
    command.assert_nothing_survives()
    assert run(site, "articles", "list", "--json").stdout.strip() == "[]"  # all or nothing


# -- the SIGKILL loop ---------------------------------------------------------------------------


def store_state(site: Path) -> tuple[str, list[tuple[str, str]]]:
    """(integrity_check, [(id, title)]) of the site's store, read as a killed run left it."""
    with sqlite3.connect(site / ".pressfeed" / "pressfeed.db") as db:  # replays a WAL a kill left behind
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        rows = db.execute("SELECT id, json_extract(data, '$.title') FROM article ORDER BY id").fetchall()
    return check, rows


def versions(site: Path, kind: str) -> list[str]:
    """The version prefix ("v0", "v1") of every CMS ("article") or agency ("source") article's title."""
    return [title.split(" ", 1)[0] for article_id, title in store_state(site)[1] if f":{kind}/" in article_id]


def output(site: Path) -> dict[str, bytes]:
    root = site / "public"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def temp_files(site: Path) -> list[Path]:
    return list((site / "public").rglob(".*.tmp"))


def kill_at(site: Path, delay: float, *args: str) -> Command:
    command = Command(site, *args)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and command.proc.poll() is None:
        time.sleep(0.005)
    command.kill()
    command.assert_nothing_survives()
    return command


def finish(site: Path, *args: str) -> None:
    result = run(site, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def timed(site: Path, *args: str) -> float:
    started = time.monotonic()
    finish(site, *args)
    return time.monotonic() - started


#: where in a command's run the kill lands, as a share of an uninterrupted run's duration: while
#: starting, while normalizing or rendering, while writing, and around the commit
KILL_POINTS = (0.2, 0.45, 0.7, 0.95)


@pytest.mark.slow
def test_sigkill_loop_over_import_build_and_ingest(tmp_path: Path, make_httpserver: Any) -> None:
    """Kill each command at several points of its run; what it leaves must be sound, and the next run converges.

    Import: the store holds the old export or the new one, never a mix, and
    passes integrity_check. Build: every published file is whole and either
    its old or its new version; a temp file left by the kill is 0600 (or,
    killed between its chmod and its rename, whole) and the next build
    removes it. Ingest: the next run ends with every feed item once, in its
    newest version. After every kill no process survives and
    the command's pipes reach EOF.
    """
    server = make_httpserver
    feeds = FeedVersions(sources=6, items=60)
    for source_id in feeds.ids:
        server.expect_request(f"/{source_id}.xml").respond_with_handler(feeds.handler(source_id))
    site = make_site(tmp_path / "site", [(i, server.url_for(f"/{i}.xml")) for i in feeds.ids])
    exports = [export(tmp_path / f"v{n}.jsonl", 2500, f"v{n}") for n in range(2)]  # 2 chunks: workers

    import_time = timed(site, "import", str(exports[0]))
    build_time = timed(site, "build")
    ingest_time = timed(site, "ingest")

    for round_, point in enumerate(KILL_POINTS):
        version = f"v{(round_ + 1) % 2}"
        # import: all or nothing
        kill_at(site, import_time * point, "import", str(exports[(round_ + 1) % 2]))
        assert store_state(site)[0] == "ok"
        cms = versions(site, "article")
        assert len(cms) == 2500 and len(set(cms)) == 1, "an import left a mix of two exports"
        finish(site, "import", str(exports[(round_ + 1) % 2]))
        assert set(versions(site, "article")) == {version}

        # build: every file old or new, whole; litter only private, and swept
        old = output(site)
        kill_at(site, build_time * point, "build")
        left = output(site)
        # a temp file is readable only once it is whole and fsynced: the kill fell between its chmod and
        # its rename (the bytes are its target's new ones, checked below)
        readable = {}
        for litter in temp_files(site):
            if stat.S_IMODE(litter.stat().st_mode) != 0o600:
                target = litter.parent / litter.name[1:].rsplit(".", 2)[0]
                readable[litter] = (str(target.relative_to(site / "public")), litter.read_bytes())
        finish(site, "build")
        new = output(site)
        assert temp_files(site) == []
        for litter, (target_path, data) in readable.items():
            assert data == new[target_path], f"{litter} is readable by the web server before it is whole"
        for path in left:
            if not path.endswith(".tmp"):
                assert left[path] in (old.get(path), new.get(path)), f"{path} is neither the old nor the new file"
        for path, data in new.items():
            if path.endswith((".xml", ".opml")):
                etree.fromstring(data)
            elif path.endswith(".json"):
                json.loads(data)

        # ingest: converges on every item once, in the newest version
        feeds.version = version
        kill_at(site, ingest_time * point, "ingest")
        assert store_state(site)[0] == "ok"
        finish(site, "ingest")
        ingested = versions(site, "source")
        assert len(ingested) == feeds.total and set(ingested) == {version}


class FeedVersions:
    """Agency feeds whose every item changes title when `version` changes."""

    def __init__(self, sources: int, items: int) -> None:
        self.ids = [f"agency{n}" for n in range(sources)]
        self.items = items
        self.version = "v0"

    @property
    def total(self) -> int:
        return len(self.ids) * self.items

    def handler(self, source_id: str) -> Any:
        from werkzeug import Request, Response

        def respond(request: Request) -> Response:
            items = "".join(
                f"<item><title>{self.version} {source_id} 보도자료 {n}</title>"
                f"<link>{PRESS}{source_id}-{n}</link><guid>{source_id}-{n}</guid>"
                f"<pubDate>2025-11-0{1 + n % 7} 09:00:00</pubDate>"
                f"<description><![CDATA[<p>{self.version} 본문 {n}. {'정부는 계획을 발표했다. ' * 30}</p>]]>"
                "</description></item>"
                for n in range(self.items)
            )
            body = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>{source_id}</title><link>https://www.korea.kr/</link><description>d</description>"
                f"{items}</channel></rss>"
            )
            return Response(body.encode(), content_type="application/rss+xml; charset=utf-8")

        return respond


# -- commands that overlap ---------------------------------------------------------------------


@pytest.mark.slow
def test_overlapping_commands_wait_or_refuse_and_readers_see_whole_states(tmp_path: Path) -> None:
    """While an import holds the lock: cron commands exit 75 at once, editors' commands wait, readers read."""
    site = make_site(tmp_path / "site")
    first, second = export(tmp_path / "v0.jsonl", 500, "v0"), export(tmp_path / "v1.jsonl", 12_000, "v1")
    finish(site, "import", str(first))
    finish(site, "build")
    hide_id = "tag:example-portal.kr,2025:article/20251107-00001"

    importing = Command(site, "import", str(second))
    importing.wait_for_processes(4)  # its worker pool is up: well inside the import
    # all at once, while the import runs
    others = {
        name: Command(site, *args)
        for name, args in {
            "build": ("build",),
            "ingest": ("ingest",),
            "run": ("run",),
            "import": ("import", str(first)),
            "list": ("articles", "list", "--json", "--limit", "100000"),
            "hide": ("articles", "hide", hide_id),  # waits for the import, then goes ahead
        }.items()
    }
    codes = {name: command.finish() for name, command in others.items()}

    assert importing.finish() == 0, importing.stderr()
    for name in ("build", "ingest", "run", "import"):
        assert codes[name] == 75, (name, others[name].stderr())
        assert "another pressfeed run is in progress" in others[name].stderr()
    assert codes["list"] == 0, others["list"].stderr()
    seen = json.loads(others["list"].out["stdout"])
    versions_seen = {a["title"].split(" ", 1)[0] for a in seen}
    assert (len(seen), versions_seen) in ((500, {"v0"}), (12_000, {"v1"}))  # before the commit or after
    assert codes["hide"] == 0, others["hide"].stderr()
    listed = json.loads(run(site, "articles", "list", "--json", "--limit", "100000").stdout)
    assert len(listed) == 12_000
    assert {a["id"]: a["status"] for a in listed}[hide_id] == "hidden"


def test_a_store_read_cut_short_by_a_stop_says_nothing_more_once_the_store_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SIGTERM loop over `run` (1 stop in ~40): after its one `error: interrupted by SIGTERM` line the command
    printed "Exception ignored in: <generator object SQLiteStore._where_in …> … sqlite3.ProgrammingError:
    Cannot operate on a closed database." A read cut short by the stop leaves its generator suspended in
    `yield from cursor`; the command closes the store as it unwinds, and the generator, collected later,
    closes the cursor of a closed connection. Cron mails that traceback with the stop."""
    import gc

    from conftest import copy_sample_site, run_site
    from pressfeed.errors import Interrupted
    from pressfeed.store.sqlite import SQLiteStore

    pf = run_site(copy_sample_site(tmp_path / "site"))
    ids = [info.stored.article.id for info in pf.listing(limit=5)]
    assert ids

    def stopped(row: Any) -> Any:
        raise Interrupted(signal.SIGTERM)

    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    monkeypatch.setattr(SQLiteStore, "_row", staticmethod(stopped))
    try:
        pf.store.get_many(ids)
    except Interrupted:
        pf.close()  # as the command unwinds from the stop: its store is closed while the stop is handled
    gc.collect()

    assert [f"{u.exc_type.__name__}: {u.exc_value} in {u.object!r}" for u in unraisable] == []
