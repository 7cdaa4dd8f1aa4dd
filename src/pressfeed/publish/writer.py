"""Atomic file writes: a reader or a crash never sees half a feed."""

from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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


def file_sha256(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except FileNotFoundError:
        return None


class AtomicBatch:
    """Many atomic writes made durable together.

    Each file is still written to a temp file, fsynced, then renamed over its
    target, so a crash leaves every file either old or new. The fsyncs of the
    whole batch run on threads (they release the GIL and mostly wait on the
    disk), and each directory is fsynced once after the renames.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[str, Path]] = []

    def stage(self, path: Path, data: bytes, mode: int = 0o644) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self._staged.append((tmp, path))
        with os.fdopen(fd, "wb") as fh:  # closed now: a big build must not hold a descriptor per file
            fh.write(data)
            os.fchmod(fh.fileno(), mode)  # mkstemp makes 0600; web servers must read feeds

    def commit(self) -> list[Path]:
        """Make every staged file durable and visible; returns the written paths."""
        staged, self._staged = self._staged, []
        directories = {path.parent for _, path in staged}
        done: list[Path] = []
        try:
            if len(staged) > 1:
                with ThreadPoolExecutor(max_workers=8) as pool:
                    list(pool.map(_fsync_file, [tmp for tmp, _ in staged]))
            else:
                for tmp, _ in staged:
                    _fsync_file(tmp)
            for tmp, path in staged:
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
    def _discard(staged: list[tuple[str, Path]]) -> None:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def _fsync_file(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
