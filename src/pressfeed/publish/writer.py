"""Atomic file writes: a reader or a crash never sees half a feed.

Temp files are hidden siblings of their target (`.rss.xml.k3j9x_2a.tmp`), so
the rename is atomic, and stay mode 0600 until just before it: a web server
serving the output directory as another user cannot read one. A killed
process still leaves them behind; :func:`sweep_temp_files` removes those of
our own naming on the next build, which holds the site lock.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: our temp names: "." + target name + "." + mkstemp's 8 random characters + ".tmp"
TEMP_NAME = re.compile(r"\.(?P<target>.+)\.[a-z0-9_]{8}\.tmp")


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write to a temp file in the same directory, fsync, rename over `path`, fsync the directory.

    The rename is atomic on POSIX, so `path` holds either the old or the new
    bytes, and the directory fsync makes the rename survive a power loss.
    """
    batch = AtomicBatch()
    try:
        batch.stage(path, data, mode)
        batch.commit()
    except BaseException:
        batch.discard()
        raise


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not every platform opens directories
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_holds(path: Path, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data`: its size first, then its bytes (no hashing)."""
    try:
        with path.open("rb") as fh:
            return os.fstat(fh.fileno()).st_size == len(data) and fh.read() == data
    except FileNotFoundError:  # anything else in the way is an error to report
        return False


class AtomicBatch:
    """Many atomic writes made durable together.

    Each file is still written to a temp file, fsynced, then renamed over its
    target, so a crash leaves every file either old or new. The fsyncs of the
    whole batch run on threads (they release the GIL and mostly wait on the
    disk), and each directory is fsynced once after the renames.
    """

    def __init__(self) -> None:
        #: (temp file, target, mode the target gets)
        self._staged: list[tuple[str, Path, int]] = []

    def stage(self, path: Path, data: bytes, mode: int = 0o644) -> None:
        import tempfile  # (with shutil and random: only when something is written, not on a no-op build)

        with _naming(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            self._staged.append((tmp, path, mode))
            with os.fdopen(fd, "wb") as fh:  # closed now: a big build must not hold a descriptor per file
                fh.write(data)  # mkstemp made it 0600: unreadable to others until the rename

    def commit(self) -> list[Path]:
        """Make every staged file durable and visible; returns the written paths."""
        staged, self._staged = self._staged, []
        directories = {path.parent for _, path, _ in staged}
        done: list[Path] = []
        try:
            for item in staged:
                _later_than_its_old_version(item)
            if len(staged) > 1:
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(max_workers=8) as pool:
                    list(pool.map(_fsync_file, staged))
            else:
                for item in staged:
                    _fsync_file(item)
            for tmp, path, mode in staged:
                with _naming(path):
                    os.chmod(tmp, mode)  # web servers must read feeds; not before now
                    os.replace(tmp, path)
                done.append(path)
        except BaseException:
            self._discard(staged[len(done) :])
            raise
        for directory in directories:
            fsync_dir(directory)
        return done

    def discard(self) -> None:
        staged, self._staged = self._staged, []
        self._discard(staged)

    @staticmethod
    def _discard(staged: list[tuple[str, Path, int]]) -> None:
        for tmp, _, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def _later_than_its_old_version(item: tuple[str, Path, int]) -> None:
    """Date a new version in a later whole second than the version it replaces.

    Web servers send the mtime as Last-Modified in whole seconds (nginx's ETag is
    made of it and the size too): a feed rewritten within the second of its last
    write kept its validators, and a reader revalidating by them was told 304
    and kept the old version. The new version is dated the next second, ahead of
    the clock when rewrites come faster than one a second (a script of editor
    commands), at most MAX_AHEAD: beyond, a rewrite waits for the clock
    (`pressfeed serve` sends no Last-Modified later than its Date).
    """
    tmp, path, _ = item
    with _naming(path):
        try:
            old = os.stat(path).st_mtime_ns // _SECOND
        except FileNotFoundError:
            return
        if os.stat(tmp).st_mtime_ns // _SECOND <= old:
            later = (old + 1) * _SECOND
            ahead = later - time.time_ns()
            if ahead > MAX_AHEAD * _SECOND:
                time.sleep((ahead - MAX_AHEAD * _SECOND) / _SECOND)  # (under a second)
            os.utime(tmp, ns=(later, later))


_SECOND = 1_000_000_000
#: seconds a rewritten file may be dated ahead of the clock (each rewrite within a second adds one)
MAX_AHEAD = 60


def _fsync_file(item: tuple[str, Path, int]) -> None:
    tmp, path, _ = item
    with _naming(path):
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """OS errors name the file being written: "No space left on device" alone says nothing."""
    try:
        yield
    except OSError as exc:
        if exc.errno is not None and exc.filename is None:
            exc.filename = str(path)
        raise


def sweep_temp_files(directories: Iterable[Path]) -> list[Path]:
    """Remove temp files of our own naming left in `directories` by a killed writer; returns them.

    Only call this while no writer can be running (the build holds the site
    lock). Only regular files whose name is ours go: `.<name>.<8 random>.tmp`.
    """
    removed: list[Path] = []
    for directory in directories:
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if TEMP_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with _naming(Path(entry.path)):
                    Path(entry.path).unlink(missing_ok=True)
                removed.append(Path(entry.path))
    return removed
