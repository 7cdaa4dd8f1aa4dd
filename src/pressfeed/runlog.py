"""The run log (`pressfeed --log FILE`): every line a command reports, appended to a file for cron to keep.

Cron mails whatever a job prints, so a quiet (`-q`) run prints nothing on success; the run log keeps
what it did all the same. Each line starts with the UTC time it was written, the pid and the command
(`2026-11-28T07:00:05+00:00 [12345] run: build: …`). Overlapping commands share the file: it is opened
with O_APPEND and each message is one write(2), so their lines interleave but never mix. Each command
opens it by name and closes it when it ends: logrotate may rename it under a running command, whose
last lines go to the renamed file, and the next command creates it anew (no copytruncate needed).
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable
from pathlib import Path

from .clock import Clock
from .errors import UsageError

#: created readable by its owner's group (`adm` reads /var/log), less the umask; an existing log keeps its mode
MODE = 0o640

#: why a log cannot be opened, as the operator would fix it
_REASONS = {
    errno.ENOENT: "its folder does not exist (pressfeed creates no folder for its log)",
    errno.ENOTDIR: "a part of its path is a file, not a folder",
    errno.EISDIR: "is a folder: name a file in it",
    errno.EACCES: "permission denied: the user running pressfeed must be able to write the file (or create it)",
    errno.EPERM: "permission denied: the user running pressfeed must be able to write the file (or create it)",
    errno.EROFS: "read-only file system",
}


class RunLog:
    """An open run log. :meth:`write` takes the command's name and a message of one or more lines.

    Its times are the real time of writing (`clock`), never a command's `--now`: the log says when.
    """

    def __init__(self, path: Path, fd: int, clock: Clock | None = None) -> None:
        self.path = path
        self._fd: int | None = fd
        self._clock = clock or Clock()

    @classmethod
    def open(cls, path: Path) -> RunLog:
        """Open (or create) `path` for appending; an unusable path is a UsageError naming it and why."""
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, MODE)
        except OSError as exc:
            reason = _REASONS.get(exc.errno or 0, exc.strerror or str(exc))
            raise UsageError(f"--log {path}: {reason}") from None
        return cls(path, fd)

    def write(self, command: str, text: str) -> None:
        """Append `text`, every line of it prefixed, in one write. An OSError (a full disk) closes the log:
        it is raised once, and later writes do nothing."""
        if self._fd is None:
            return
        prefix = f"{self._clock.now().isoformat()} [{os.getpid()}] {command}: "
        lines = "".join(f"{prefix}{line}\n" for line in text.splitlines() or [""])
        # a file name from the disk may not be UTF-8: the log stays UTF-8 that every tool reads
        data = memoryview(lines.encode("utf-8", "backslashreplace"))
        try:
            while data:  # one write; a regular file takes less only when the disk is full, then fails
                data = data[os.write(self._fd, data) :]
        except OSError:
            self.close()
            raise

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class RunLogHandler(logging.Handler):
    """Python logging records (WARNING and above) into a run log, through `write(text)`."""

    def __init__(self, write: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self._write = write

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._write(self.format(record))
        except Exception:  # logging's contract: a handler never raises into the code that logs
            self.handleError(record)
