"""A worker process that dies (the OOM killer, a crash in a parser) fails one source, not the run.

A real death: a `sitecustomize` put on the command's PYTHONPATH wraps the
parse job so that, in a worker process, a feed holding the marker kills its
own process with SIGKILL. The forkserver and the workers start as fresh
interpreters, so the wrapper is in them as in the command itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from test_crash import Command, export, make_site

MARKER = "<!-- pressfeed-test: kill this worker -->"

HOOK = """
import functools, os, signal

if os.environ.get("PRESSFEED_TEST_DIE_ON") or os.environ.get("PRESSFEED_TEST_DIE_IMPORTING"):
    os.environ.setdefault("PRESSFEED_TEST_MAIN_PID", str(os.getpid()))  # the command's: its children inherit it

    def in_worker():
        return str(os.getpid()) != os.environ["PRESSFEED_TEST_MAIN_PID"]

if os.environ.get("PRESSFEED_TEST_DIE_ON"):
    import pressfeed.ingest.jobs as jobs

    marker = os.environ["PRESSFEED_TEST_DIE_ON"].encode()
    parse_and_map = jobs.parse_and_map

    @functools.wraps(parse_and_map)
    def dying(job):
        if marker in job.body and in_worker():
            os.kill(os.getpid(), signal.SIGKILL)
        return parse_and_map(job)

    jobs.parse_and_map = dying

if os.environ.get("PRESSFEED_TEST_DIE_IMPORTING"):
    import pressfeed.imports.importer as importer

    normalize_chunk = importer.normalize_chunk

    @functools.wraps(normalize_chunk)
    def dying_chunk(*args):
        if in_worker():
            os.kill(os.getpid(), signal.SIGKILL)
        return normalize_chunk(*args)

    importer.normalize_chunk = dying_chunk
"""


def board(source: str, items: int, extra: str = "") -> str:
    """A ministry board's RSS: naive KST dates, no guids."""
    entries = "".join(
        f"<item><title>{source} 보도자료 {n}: 2026년 예산안 설명</title>"
        f"<link>https://www.{source}.go.kr/bbs/view.do?nttSeqNo={n}</link>"
        f"<pubDate>2025-11-0{1 + n % 7} 10:00:00</pubDate>"
        f"<description>&lt;p&gt;{source} {n} 본문: 정부는 오늘 예산안을 발표했다.&lt;/p&gt;</description></item>"
        for n in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{source} 보도자료</title>'
        f"<link>https://www.{source}.go.kr/</link><description>보도자료</description>{extra}{entries}</channel></rss>"
    )


def with_hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands this test starts load HOOK (PYTHONPATH, passed on to the forkserver and its workers)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")])))
    monkeypatch.delenv("PRESSFEED_TEST_MAIN_PID", raising=False)


@pytest.mark.slow
def test_a_dying_worker_fails_its_source_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_hook(tmp_path, monkeypatch)
    monkeypatch.setenv("PRESSFEED_TEST_DIE_ON", MARKER)
    monkeypatch.setenv("PYTHONFAULTHANDLER", "1")  # a hang (seen once) shows its threads' tracebacks on SIGABRT

    ids = [f"m{n}" for n in range(8)]
    feeds = tmp_path / "boards"
    feeds.mkdir()
    for n, source in enumerate(ids):
        (feeds / f"{source}.xml").write_text(board(source, 20, MARKER if n == 2 else ""), encoding="utf-8")
    site = make_site(tmp_path / "site", [(s, str(feeds / f"{s}.xml")) for s in ids])  # fetch.workers: 2

    for attempt in range(2):  # the next run, past the culprit's backoff: it fails again, the others are unchanged
        later = (datetime.now(UTC) + timedelta(hours=attempt)).isoformat()
        command = Command(site, "--now", later, "ingest")
        try:
            assert command.proc.wait(timeout=30) == 1
        except subprocess.TimeoutExpired:
            command.proc.send_signal(signal.SIGABRT)
            command.proc.wait(timeout=10)
            time.sleep(1)
            raise AssertionError(command.stderr()) from None
        command.assert_nothing_survives()
        stderr = command.stderr()
        assert "source m2 failed: a worker process died while this feed was parsed" in stderr, stderr
        assert "internal error" not in stderr and "Traceback" not in stderr, stderr
        assert [line for line in stderr.splitlines() if "failed" in line] == [stderr.splitlines()[0]]  # m2 alone
        summary = command.out["stdout"].decode()
        expected = "140 new" if attempt == 0 else "0 new"  # twenty items from each of the seven others
        assert f"ingest: 8 sources, {expected}" in summary, summary


@pytest.mark.slow
def test_a_worker_dying_in_an_import_fails_it_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_hook(tmp_path, monkeypatch)
    monkeypatch.setenv("PRESSFEED_TEST_DIE_IMPORTING", "1")
    monkeypatch.delenv("PRESSFEED_TEST_MAIN_PID", raising=False)
    site = make_site(tmp_path / "site")  # fetch.workers: 2
    data = export(tmp_path / "cms.jsonl", 6000, "v1")  # over 4 MiB (importer.POOL_MIN_BYTES): workers

    command = Command(site, "import", str(data))
    assert command.proc.wait(timeout=60) == 1
    command.assert_nothing_survives()
    stderr = command.stderr()
    assert "a worker process died while records were normalized" in stderr, stderr
    assert "Traceback" not in stderr, stderr
    monkeypatch.delenv("PRESSFEED_TEST_DIE_IMPORTING")
    listed = Command(site, "articles", "list", "--json")
    assert listed.proc.wait(timeout=60) == 0
    listed.assert_nothing_survives()
    assert listed.out["stdout"].strip() == b"[]"  # all or nothing: nothing of the file went in


def test_a_stop_while_the_pool_starts_a_worker_waits_until_the_pool_is_whole() -> None:
    """A SIGTERM loop on imports: a signal raised its exception inside the pool's own steps. Between making its
    manager thread and starting it, the shutdown failed ("cannot join thread before it is started", exit 1);
    between starting a worker and counting it, that worker took another's sentinel, and the pool waited for
    the other for ever (a hung cron job holding the site's lock). A stop waits for those steps to end; the
    other threads the suite leaves running may be the ones the kernel gives the signal to."""
    from concurrent.futures import process

    from pressfeed import stops
    from pressfeed.errors import Interrupted
    from pressfeed.workers import worker_pool

    real_start = process._ExecutorManagerThread.start

    def signalled(self: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # a cron timeout, at the worst moment
        real_start(self)  # type: ignore[arg-type]

    previous = signal.signal(signal.SIGTERM, stops.stop)  # as the pressfeed command has it
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(process._ExecutorManagerThread, "start", signalled)
            with pytest.raises(Interrupted), worker_pool(2, "pressfeed.imports.importer"):
                pytest.fail("the stop is raised as the pool's first job is submitted")
    finally:
        signal.signal(signal.SIGTERM, previous)
