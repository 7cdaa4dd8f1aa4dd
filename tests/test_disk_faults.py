"""Disk faults: a full disk, a file size limit, a store folder pressfeed may only read (issue 11, item 10).

Errors must name the file they are about ("No space left on device" alone
tells the operator nothing), leave every published file old or new and no
temp file behind, and a store that cannot be written must still serve the
commands that only read it.

Root ignores permission bits, and these tests often run as root (CI
containers). A read-only folder is then made real by running the command
without the capabilities that let root ignore them (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH, CAP_FOWNER, dropped from its bounding set before exec),
so the kernel checks the mode bits as for any user; as another user a plain
chmod does.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from conftest import run_pressfeed
from pressfeed.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FEEDS = ROOT / "feeds"
PR_CAPBSET_DROP = 24
#: CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
DAC_CAPABILITIES = (1, 2, 3)


def invoke(site: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--site", str(site), *args])


def explain(result: Result) -> str:
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}\n{result.exception!r}"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The bundled sample site, imported and built once."""
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_FEEDS, root / "feeds", ignore=shutil.ignore_patterns("__pycache__", "agencies"))
    config = root / "feeds" / "pressfeed.yaml"
    config.write_text(config.read_text(encoding="utf-8").split("\nsources:")[0] + "\n", encoding="utf-8")
    for args in (("import", *sorted(str(p) for p in (root / "feeds" / "articles").glob("*.yaml"))), ("build",)):
        result = invoke(root, *args)
        assert result.exit_code == 0, explain(result)
    return root


# -- a full disk ------------------------------------------------------------------------


def test_full_disk_during_build_names_the_file_and_publishes_nothing_half(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(site / "public")
    (site / "feeds" / "articles" / "more.yaml").write_text(
        "id: 20251108-0900\ntitle: 새 기사\nsection: 정치\npublished: 2025-11-08 09:00:00\nlink: /n/900\n",
        encoding="utf-8",
    )
    assert invoke(site, "import", str(site / "feeds" / "articles" / "more.yaml")).exit_code == 0

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("pressfeed.publish.writer.os.fsync", full)
    result = invoke(site, "build")

    assert result.exit_code == 74, explain(result)  # could not run (not 1: nothing partial about it)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {site / 'public'}/") and line.endswith(": No space left on device")
    assert snapshot(site / "public") == before  # every file old, no temp file left


def test_full_store_names_the_store_and_imports_nothing(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own 'database or disk is full', simulated with max_page_count (what a full disk looks like)."""
    import pressfeed.store.sqlite as sqlite_store

    real = sqlite_store._connect

    def cramped(path: str, uri: bool = False) -> sqlite3.Connection:
        db = real(path, uri)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    before = invoke(site, "articles", "list", "--json").stdout
    export = site / "feeds" / "articles" / "big.jsonl"
    export.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"20251108-{n:04d}",
                    "title": f"기사 {n}",
                    "section": "정치",
                    "published": "2025-11-08 09:00:00",
                    "link": f"/n/{n}",
                    "body_html": "<p>" + "본문 " * 2000 + "</p>",
                },
                ensure_ascii=False,
            )
            + "\n"
            for n in range(200)
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(sqlite_store, "_connect", cramped)

    result = invoke(site, "import", str(export))

    store = site / ".pressfeed" / "pressfeed.db"
    assert result.exit_code == 74, explain(result)  # could not run (not 1: nothing partial about it)
    assert result.stderr == f"error: store {store}: database or disk is full\n"
    monkeypatch.setattr(sqlite_store, "_connect", real)
    assert invoke(site, "articles", "list", "--json").stdout == before  # all or nothing
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_full_disk_under_the_store_is_said_so_when_it_opens(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An attack's, on a full tmpfs: opening the store failed writing its log, and the run said "not a usable
    pressfeed store: disk I/O error", which sends an operator to restore a backup of a store that is fine."""
    import pressfeed.store.sqlite as sqlite_store

    def failing(db: sqlite3.Connection) -> None:
        error = sqlite3.OperationalError("disk I/O error")
        error.sqlite_errorname = "SQLITE_IOERR_WRITE"  # type: ignore[attr-defined]  # (as SQLite's own carry)
        raise error

    monkeypatch.setattr(sqlite_store, "_wal", failing)
    usage = shutil.disk_usage(site)
    monkeypatch.setattr(shutil, "disk_usage", lambda _: usage._replace(free=4096))
    result = invoke(site, "import", str(site / "feeds" / "articles"))
    store = site / ".pressfeed" / "pressfeed.db"
    assert result.exit_code == 74, explain(result)
    assert result.stderr == (
        f"error: {store}: cannot write the store: no space left on its disk (4,096 bytes free; disk I/O error)\n"
    )
    monkeypatch.setattr(shutil, "disk_usage", lambda _: usage._replace(free=10**9))
    assert "not a usable pressfeed store: disk I/O error" in invoke(site, "import", str(site / "feeds")).stderr


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # Python ignores SIGXFSZ: writes fail EFBIG

    return apply


def test_file_size_limit_during_build_is_a_named_error(site: Path) -> None:
    """A real error from the kernel, not a patched function: the command in a process with RLIMIT_FSIZE."""
    before = snapshot(site / "public")
    body = "<p>" + "정부는 오늘 인공지능 기본계획을 발표했다. " * 400 + "</p>"
    records = [
        {"id": f"20251108-{n:04d}", "title": f"기사 {n}", "section": "정치", "published": "2025-11-08 09:00:00",
         "link": f"/n/{n}", "body_html": body}
        for n in range(30)
    ]  # fmt: skip
    export = site / "feeds" / "articles" / "long.json"
    export.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    assert invoke(site, "import", str(export)).exit_code == 0

    proc = subprocess.run(
        [sys.executable, "-m", "pressfeed", "--site", str(site), "build"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        preexec_fn=_file_size_limit(256 * 1024),  # the site and politics feeds are bigger
        env={k: v for k, v in os.environ.items() if k != "PRESSFEED_CONFIG"},
        check=False,
    )

    assert proc.returncode == 74, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {site / 'public'}/") and proc.stderr.rstrip().endswith("File too large")
    assert snapshot(site / "public") == before


# -- a store folder pressfeed may only read ---------------------------------------------------


def _drop_dac_capabilities() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in DAC_CAPABILITIES:
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _can_drop_capabilities() -> bool:
    probe = subprocess.run(["true"], preexec_fn=_drop_dac_capabilities, check=False, capture_output=True)
    return probe.returncode == 0


@pytest.fixture
def as_a_reader() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs `pressfeed …` so that permission bits apply to it, also when the tests run as root."""
    preexec: Callable[[], None] | None = None
    if os.geteuid() == 0:
        if not sys.platform.startswith("linux"):
            pytest.skip("root ignores permissions, and only Linux lets it drop that")
        try:
            usable = _can_drop_capabilities()
        except subprocess.SubprocessError:
            usable = False
        if not usable:
            pytest.skip("running as root without CAP_SETPCAP: cannot make permission bits apply")
        preexec = _drop_dac_capabilities

    def run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return run_pressfeed(site, *args, preexec_fn=preexec)

    return run


@pytest.fixture
def read_only_store(site: Path) -> Iterator[Path]:
    folder = site / ".pressfeed"
    mode = stat.S_IMODE(folder.stat().st_mode)
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(mode)


def test_read_only_store_folder_still_serves_read_commands(
    site: Path, read_only_store: Path, as_a_reader: Callable[..., Any]
) -> None:
    expected = json.loads(invoke(site, "articles", "list", "--json").stdout)
    assert not (read_only_store / "pressfeed.db-wal").exists()  # the last writer closed: only the main file

    listed = as_a_reader(site, "articles", "list", "--json")
    shown = as_a_reader(site, "articles", "show", expected[0]["id"], "--json")
    sources = as_a_reader(site, "sources", "--json")
    checked = as_a_reader(site, "check")

    for proc in (listed, shown, sources, checked):
        assert proc.returncode == 0, proc.stderr
    assert json.loads(listed.stdout) == expected
    assert json.loads(shown.stdout)["id"] == expected[0]["id"]
    # the readers left nothing: the store, its lock, and the config's parse cache the fixture's writers left
    assert sorted(p.name for p in read_only_store.iterdir()) == ["config-cache.json", "pressfeed.db", "pressfeed.lock"]


def test_read_only_store_reads_what_a_writer_holds_in_its_log(
    site: Path, read_only_store: Path, as_a_reader: Callable[..., Any]
) -> None:
    """Another user's pressfeed has the store open (its -wal and -shm exist): a reader sees its commits."""
    read_only_store.chmod(0o755)
    writer = sqlite3.connect(read_only_store / "pressfeed.db", isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("UPDATE article SET status = 'hidden' WHERE id = (SELECT min(id) FROM article)")
        hidden = writer.execute("SELECT min(id) FROM article").fetchone()[0]
        read_only_store.chmod(0o555)
        assert (read_only_store / "pressfeed.db-wal").stat().st_size > 0

        listed = as_a_reader(site, "articles", "list", "--status", "hidden", "--json")
    finally:
        read_only_store.chmod(0o755)
        writer.close()

    assert listed.returncode == 0, listed.stderr
    assert [a["id"] for a in json.loads(listed.stdout)] == [hidden]


def test_read_only_store_refuses_writes_naming_the_store(
    site: Path, read_only_store: Path, as_a_reader: Callable[..., Any]
) -> None:
    before = snapshot(site / "public")
    article_id = json.loads(invoke(site, "articles", "list", "--json").stdout)[0]["id"]

    hidden = as_a_reader(site, "articles", "hide", article_id)
    rebuilt = as_a_reader(site, "build", "--force")  # renders everything, changes nothing: needs no write

    assert hidden.returncode == 74
    assert hidden.stderr == f"error: store {read_only_store / 'pressfeed.db'}: attempt to write a readonly database\n"
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert snapshot(site / "public") == before
