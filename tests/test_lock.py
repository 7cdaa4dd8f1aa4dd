"""The run lock (pressfeed.store.base.file_lock): flock(2) directly, filelock where flock is missing."""

from __future__ import annotations

import errno
import fcntl
import os
import threading
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from pressfeed.errors import LockedError
from pressfeed.store import base
from pressfeed.store.base import file_lock


def test_a_second_holder_is_refused_at_once_and_gets_it_once_released(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "pressfeed.lock"
    with (
        file_lock(path, 0),
        pytest.raises(LockedError, match="another pressfeed run is in progress"),
        file_lock(path, 0),
    ):
        pass
    with file_lock(path, 0):
        pass
    assert path.exists()  # left in place, as filelock leaves it


def test_a_refused_holder_is_told_the_holders_pid(tmp_path: Path) -> None:
    """Cron mails the refusal every 5 minutes while a run hangs: the mail says which process to look at."""
    path = tmp_path / "pressfeed.lock"
    with file_lock(path, 0), pytest.raises(LockedError) as caught, file_lock(path, 0):
        pass
    assert str(caught.value) == f"another pressfeed run is in progress (lock {path}, pid {os.getpid()}); nothing done"
    path.write_text("123456789012\n", encoding="ascii")
    with file_lock(path, 0):  # a later holder writes its own, whatever was there
        assert path.read_text(encoding="ascii") == f"{os.getpid()}\n"


def test_a_waiting_holder_gets_the_lock_when_it_is_released(tmp_path: Path) -> None:
    path = tmp_path / "pressfeed.lock"
    held = file_lock(path, 0)
    held.__enter__()
    threading.Timer(0.2, held.__exit__, args=(None, None, None)).start()
    started = time.monotonic()
    with file_lock(path, 10):
        assert time.monotonic() - started >= 0.15


def test_a_holder_that_removes_the_lock_file_as_it_lets_go_leaves_its_waiter_the_paths_lock(tmp_path: Path) -> None:
    """A refused first command removes the store it made, its lock file and folder included, while it holds
    the lock. A command waiting on that file meanwhile then held a lock on a file no longer there, and a
    third, opening the path anew, ran beside it."""
    path = tmp_path / "folder" / "pressfeed.lock"
    held = file_lock(path, 0)
    held.__enter__()

    def undo() -> None:
        path.unlink()
        path.parent.rmdir()
        held.__exit__(None, None, None)

    threading.Timer(0.2, undo).start()
    with file_lock(path, 10):
        assert path.exists()
        with pytest.raises(LockedError), file_lock(path, 0):
            pass


def test_a_waiter_gets_the_lock_when_the_folder_goes_between_its_mkdir_and_its_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The undo removes the lock's folder just after it lets go of the lock (cli._discard_new_store: rmdir after
    the `with store.lock`). A waiter that wakes in that moment finds its file gone, makes the folder again and
    opens the path; the rmdir landing between the two made that open fail with FileNotFoundError (exit 74 for
    the command), where the waiter should take the lock of a file made anew."""
    path = tmp_path / "folder" / "pressfeed.lock"
    held = file_lock(path, 0)
    held.__enter__()
    made, removed = threading.Event(), threading.Event()
    calls: list[Path] = []
    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: object, **kwargs: object) -> None:
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]
        calls.append(self)
        if self == path.parent and len(calls) == 2:  # the waiter's retry (its first is file_lock's own)
            made.set()
            removed.wait(5)

    def undo() -> None:  # as _discard_new_store: the lock file goes while held, the folder once let go
        path.unlink()
        held.__exit__(None, None, None)
        made.wait(5)
        path.parent.rmdir()
        removed.set()

    monkeypatch.setattr(Path, "mkdir", mkdir)
    threading.Timer(0.2, undo).start()
    with file_lock(path, 10):
        assert path.exists()


def test_the_lock_is_a_flock_other_programs_see(tmp_path: Path) -> None:
    path = tmp_path / "pressfeed.lock"
    with file_lock(path, 0):
        fd = os.open(path, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)


def test_a_symlinked_lock_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("", encoding="utf-8")
    (tmp_path / "pressfeed.lock").symlink_to(target)
    with pytest.raises(OSError), file_lock(tmp_path / "pressfeed.lock", 0):
        pass


@pytest.mark.filterwarnings("ignore:flock not supported on this filesystem")
def test_where_flock_is_missing_filelock_takes_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_flock(fd: int, operation: int) -> None:
        raise OSError(errno.ENOSYS, "Function not implemented")

    taken: list[str] = []
    real = base._filelock

    def recording(path: Path, wait: float) -> AbstractContextManager[None]:
        taken.append(path.name)
        return real(path, wait)

    monkeypatch.setattr(fcntl, "flock", no_flock)
    monkeypatch.setattr(base, "_filelock", recording)
    path = tmp_path / "pressfeed.lock"
    with file_lock(path, 0):
        assert taken == ["pressfeed.lock"]
        with pytest.raises(LockedError), file_lock(path, 0):
            pass


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_does_not_keep_the_lock(tmp_path: Path) -> None:
    """The lock dies with its holder even when a child forked while it was held lives on."""
    path = tmp_path / "pressfeed.lock"
    read, write = os.pipe()
    with file_lock(path, 0):
        pid = os.fork()
        if pid == 0:  # the child: say it is up, then outlive the parent's hold
            os.close(read)
            os.write(write, b"x")
            time.sleep(3)
            os._exit(0)
        os.close(write)
        assert os.read(read, 1) == b"x"
        os.close(read)
    try:
        with file_lock(path, 0):  # released although the child still runs
            pass
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
