"""pressfeed.publish.writer: atomic, fsynced file writes with web-readable modes."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pressfeed.publish.writer import atomic_write, file_holds

real_replace = os.replace
real_fsync = os.fsync


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob(".*.tmp"))


@pytest.fixture
def strict_umask() -> Iterator[None]:
    """A umask that would make plain writes private: the mode must not depend on it."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def test_new_file_has_content_and_mode_644(tmp_path: Path, strict_umask: None) -> None:
    target = tmp_path / "rss.xml"

    atomic_write(target, b"<rss/>")

    assert target.read_bytes() == b"<rss/>"
    assert mode_of(target) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rss.xml"]


def test_explicit_mode(tmp_path: Path) -> None:
    target = tmp_path / "private.json"
    atomic_write(target, b"{}", mode=0o600)
    assert mode_of(target) == 0o600


def test_overwrite_replaces_the_file_and_resets_the_mode(tmp_path: Path, strict_umask: None) -> None:
    target = tmp_path / "atom.xml"
    target.write_bytes(b"old feed")
    target.chmod(0o600)

    with target.open("rb") as reader:  # a reader that opened the old file keeps seeing it whole
        atomic_write(target, b"new feed")
        assert reader.read() == b"old feed"

    assert target.read_bytes() == b"new feed"
    assert mode_of(target) == 0o644
    assert leftovers(tmp_path) == []


def test_creates_missing_folders(tmp_path: Path) -> None:
    target = tmp_path / "public" / "it-science" / "feed.json"
    atomic_write(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"


def test_empty_data(tmp_path: Path) -> None:
    target = tmp_path / "empty.xml"
    atomic_write(target, b"")
    assert target.read_bytes() == b""
    assert mode_of(target) == 0o644


def test_temp_file_is_a_hidden_sibling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same folder (so the rename is atomic, same file system), hidden, named after the target."""
    seen: list[tuple[Path, Path]] = []

    def spy(src: Any, dst: Any) -> None:
        seen.append((Path(src), Path(dst)))
        assert mode_of(Path(src)) == 0o644  # chmod before the rename: never visible as 0600
        assert Path(src).read_bytes() == b"data"  # complete before the rename
        real_replace(src, dst)

    monkeypatch.setattr("pressfeed.publish.writer.os.replace", spy)
    target = tmp_path / "rss.xml"
    atomic_write(target, b"data")

    ((src, dst),) = seen
    assert dst == target
    assert src.parent == tmp_path
    assert src.name.startswith(".rss.xml.") and src.name.endswith(".tmp")
    assert not src.exists()


def test_failed_replace_keeps_old_content_and_removes_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "rss.xml"
    target.write_bytes(b"old feed")
    target.chmod(0o644)

    def refuse(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pressfeed.publish.writer.os.replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new feed")

    assert target.read_bytes() == b"old feed"
    assert mode_of(target) == 0o644
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rss.xml"]


def test_failed_replace_of_a_new_file_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(src: Any, dst: Any) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr("pressfeed.publish.writer.os.replace", refuse)
    with pytest.raises(OSError):
        atomic_write(tmp_path / "feed.json", b"{}")

    assert list(tmp_path.iterdir()) == []


def test_failed_fsync_keeps_old_content_and_removes_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "atom.xml"
    target.write_bytes(b"old feed")

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("pressfeed.publish.writer.os.fsync", broken)
    with pytest.raises(OSError):
        atomic_write(target, b"new feed")

    assert target.read_bytes() == b"old feed"
    assert leftovers(tmp_path) == []


def test_interrupt_removes_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C (a BaseException) between write and rename leaves no temp file."""
    target = tmp_path / "rss.xml"
    target.write_bytes(b"old feed")

    def interrupted(src: Any, dst: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("pressfeed.publish.writer.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new feed")

    assert target.read_bytes() == b"old feed"
    assert leftovers(tmp_path) == []


def test_fsyncs_the_file_and_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kinds: list[str] = []

    def spy(fd: int) -> None:
        kinds.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr("pressfeed.publish.writer.os.fsync", spy)
    atomic_write(tmp_path / "rss.xml", b"data")

    assert kinds == ["file", "dir"]


def test_file_holds_compares_size_then_bytes(tmp_path: Path) -> None:
    target = tmp_path / "feed.json"
    assert not file_holds(target, b"{}\n")  # missing
    atomic_write(target, b"{}\n")
    assert file_holds(target, b"{}\n")
    assert not file_holds(target, b"{}\n\n")  # other size
    assert not file_holds(target, b"[]\n")  # same size, other bytes
    with pytest.raises(IsADirectoryError):
        file_holds(tmp_path, b"")  # something else in the way is reported, not taken for "changed"


def test_batch_failing_rename_keeps_old_files_and_leaves_no_temps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pressfeed.publish.writer import AtomicBatch

    old = {tmp_path / f"f{i}.xml": f"old {i}".encode() for i in range(4)}
    for path, data in old.items():
        path.write_bytes(data)
    batch = AtomicBatch()
    for path in old:
        batch.stage(path, b"new " + path.name.encode())
    calls = 0
    real_replace = os.replace

    def failing_replace(src: str, dst: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr("pressfeed.publish.writer.os.replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        batch.commit()
    contents = [path.read_bytes() for path in old]
    assert contents == [b"new f0.xml", b"new f1.xml", b"old 2", b"old 3"]  # each file old or new, never partial
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f0.xml", "f1.xml", "f2.xml", "f3.xml"]


def test_batch_discard_removes_staged_temps(tmp_path: Path) -> None:
    from pressfeed.publish.writer import AtomicBatch

    batch = AtomicBatch()
    batch.stage(tmp_path / "a" / "rss.xml", b"x")
    batch.stage(tmp_path / "b.xml", b"y")
    batch.discard()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# -- temp files a killed writer leaves behind (issue 11, item 1) --------------------------


def test_temp_file_stays_private_until_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kill during the (long) fsync phase must not leave a world-readable temp file."""
    modes: list[int] = []

    def spy(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            modes.append(stat.S_IMODE(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr("pressfeed.publish.writer.os.fsync", spy)
    from pressfeed.publish.writer import AtomicBatch

    batch = AtomicBatch()
    for name in ("rss.xml", "atom.xml", "feed.json"):
        batch.stage(tmp_path / name, b"data")
    assert {mode_of(p) for p in tmp_path.glob(".*.tmp")} == {0o600}
    batch.commit()

    assert modes == [0o600, 0o600, 0o600]
    assert {mode_of(tmp_path / n) for n in ("rss.xml", "atom.xml", "feed.json")} == {0o644}


def test_sweep_removes_only_temp_files_of_our_naming(tmp_path: Path) -> None:
    from pressfeed.publish.writer import sweep_temp_files

    ours = [tmp_path / ".rss.xml.k3j9x_2a.tmp", tmp_path / ".feed.json.00000000.tmp"]
    others = [
        tmp_path / "rss.xml",
        tmp_path / ".htaccess",
        tmp_path / "notes.tmp",
        tmp_path / ".rss.xml.tmp",  # no random part
        tmp_path / ".rss.xml.K3J9X_2A.tmp",  # mkstemp never uses capitals
        tmp_path / ".rss.xml.k3j9x_2a.tmp.bak",
    ]
    for path in ours + others:
        path.write_bytes(b"x")
    (tmp_path / ".atom.xml.abcdefgh.tmp").mkdir()  # a directory is never ours
    (tmp_path / ".index.html.abcdefgh.tmp").symlink_to(tmp_path / "rss.xml")  # nor a symlink

    removed = sweep_temp_files([tmp_path, tmp_path / "missing"])

    assert sorted(removed) == sorted(ours)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([p.name for p in others] + [".atom.xml.abcdefgh.tmp", ".index.html.abcdefgh.tmp"])


def test_write_error_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC from the OS carries no path; the error must say which file could not be written."""

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pressfeed.publish.writer.os.fsync", full)
    with pytest.raises(OSError) as caught:
        atomic_write(tmp_path / "it-science" / "rss.xml", b"data")
    assert caught.value.filename == str(tmp_path / "it-science" / "rss.xml")
    assert "No space left on device" in str(caught.value)
    assert leftovers(tmp_path / "it-science") == []


def test_a_rewrite_in_the_same_second_gets_a_later_mtime(tmp_path: Path) -> None:
    """Last-Modified is the mtime in whole seconds (nginx's ETag too): a feed rewritten within the second of its
    last write kept it, and a reader revalidating by If-Modified-Since alone got 304 for the new version."""
    feed = tmp_path / "rss.xml"
    atomic_write(feed, b"one")
    first = feed.stat().st_mtime_ns // 1_000_000_000
    started = time.monotonic()
    for text in (b"two", b"three", b"four", b"five"):  # each in a second of its own, without waiting for it
        atomic_write(feed, text)
        assert feed.stat().st_mtime_ns // 1_000_000_000 > first
        first = feed.stat().st_mtime_ns // 1_000_000_000
    assert feed.read_bytes() == b"five" and time.monotonic() - started < 0.5


def test_rewrites_faster_than_one_a_second_run_at_most_max_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review's: each rewrite within a second dated the next one, however far ahead of the clock that was."""
    from pressfeed.publish import writer

    monkeypatch.setattr(writer, "MAX_AHEAD", 1)
    feed = tmp_path / "rss.xml"
    for text in (b"one", b"two", b"three", b"four"):
        before = feed.stat().st_mtime_ns // 1_000_000_000 if feed.exists() else 0
        atomic_write(feed, text)
        mtime = feed.stat().st_mtime_ns
        assert mtime // 1_000_000_000 > before and mtime - time.time_ns() <= 1_000_000_000
