"""Killing pressfeed (SIGKILL, as cron timeouts, OOM killers and reboots do) and running commands that overlap.

Issue 11 found that a killed build left temp files forever and that workers
outlived a killed import/ingest while holding its stdout. These tests run the
real `pressfeed` command in a subprocess, kill it at varied moments, and check
what is left: files whole and either old or new, a sound store, no temp files
after the next run, the same end state as an uninterrupted run, and no
surviving process.

Processes are found through /proc, so these tests run on Linux only. Every
command is started with a unique PRESSFEED_TEST_RUN variable in its
environment, which its children (forkserver, resource tracker, workers)
inherit: a survivor is any process still carrying it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

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
        env = {**os.environ, "PRESSFEED_TEST_RUN": self.tag}
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
        code = self.proc.wait(timeout)
        for event in self.eof.values():
            event.wait(10)
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


def run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PRESSFEED_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "pressfeed", "--site", str(site), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


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


def make_site(root: Path, sources: list[tuple[str, str]] = (), timeout: float = 30) -> Path:  # type: ignore[assignment]
    sections = "\n".join(f"  {s}: {{title: 섹션{s[1:]}}}" for s in SECTIONS)
    listed = "\n".join(f"  - {{id: {i}, name: 기관{i}, url: '{u}', section: {SECTIONS[0]}}}" for i, u in sources)
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


@pytest.mark.slow
def test_killed_ingest_leaves_no_workers_and_releases_stdout(tmp_path: Path, silent_server: str) -> None:
    site = make_site(tmp_path / "site", [("msit", f"{silent_server}/rss.xml")], timeout=120)
    command = Command(site, "ingest")
    # the command, the resource tracker, the forkserver and at least one worker
    command.wait_for_processes(4)

    command.kill()

    command.assert_nothing_survives()


@pytest.mark.slow
def test_killed_import_leaves_no_workers_and_releases_stdout(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    data = export(tmp_path / "big.jsonl", 20_000, "v1")  # more than one chunk: the CLI normalizes in workers
    command = Command(site, "import", str(data))
    command.wait_for_processes(4)

    command.kill()

    command.assert_nothing_survives()
