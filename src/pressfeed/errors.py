"""One exception hierarchy; every message says what is wrong and where."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """What the pressfeed command's exit status means (documented in the README)."""

    OK = 0
    #: a source or an import file failed; everything else was still ingested and built
    PARTIAL = 1
    #: usage, config or input error; nothing was written
    USAGE = 2
    #: could not run: the store or the disk failed (EX_IOERR); nothing, or only whole files, written
    CANNOT_RUN = 74
    #: another run holds the site lock; nothing was done (EX_TEMPFAIL: "try again later")
    LOCKED = 75


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a cron timeout, systemd stopping the job, a closed terminal), raised in the main
    thread as Ctrl-C's KeyboardInterrupt is: the command unwinds as for it (temp files removed, the store's
    transaction rolled back, the lock released) and exits 128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


#: characters of a foreign string (a server's header or URL, a feed's field) a message quotes
FOREIGN_CHARS = 200
#: control characters (line breaks included: U+0085, U+2028, U+2029 too) and bidi overrides: in a stored
#: error or a cron mail a server must not start a line of its own, nor turn the text around
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


def foreign(text: str, limit: int = FOREIGN_CHARS) -> str:
    """A string from outside, as a message may quote it: on one line (every run of control characters a
    space) and at most `limit` characters, cut with "…". A hostile server's 100 kB Location would
    otherwise be stored as the source's error and mailed by cron at every run."""
    from .text import shorten  # the project's one cut between characters; loaded only for a message

    return shorten(_UNPRINTABLE.sub(" ", text), limit - 1)  # limit - 1 characters and "…"


class Picklable:
    """Mixin for an exception whose __init__ does not take its own `args` (a message built from fields).

    Pickle rebuilds an exception as ``cls(*self.args)``: for those that raises TypeError, and an error
    a worker process cannot send back breaks its whole pool. This rebuilds it without __init__, from
    its args (the message) and its attributes, whatever the signature of a subclass's __init__.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        assert isinstance(self, BaseException)
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    error = cls.__new__(cls, *args)  # BaseException.__new__ sets args; __init__ is not called
    error.__dict__.update(state)
    return error


class PressfeedError(Picklable, Exception):
    """Base class of every error pressfeed raises on purpose."""

    #: process exit code the CLI uses for this error
    exit_code: ExitCode = ExitCode.PARTIAL


class ConfigError(PressfeedError):
    """The configuration file is invalid; nothing has been done yet."""

    exit_code = ExitCode.USAGE

    def __init__(self, file: str, line: int | None, key: str, message: str) -> None:
        self.file, self.line, self.key, self.message = file, line, key, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


@dataclass(frozen=True)
class Problem:
    """One bad field of one input record."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class RecordError(PressfeedError):
    """A single record cannot be normalized (raised by pure functions, without location)."""

    exit_code = ExitCode.USAGE

    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


class InputError(PressfeedError):
    """One or more input records are invalid; none of the file was imported."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        fields = fields_of(problems)
        head = f"{fields}, nothing imported" if fields else "nothing imported"
        super().__init__(f"{head}:\n{lines_of(problems)}")


def fields_of(problems: Sequence[Problem]) -> str:
    """ "N invalid record field(s)", or "" when every problem is a file's (missing or unreadable: its line
    says what it is, and no record is at fault)."""
    records = sum(p.field != "file" for p in problems)
    return f"{records} invalid record field(s)" if records else ""


def lines_of(problems: Sequence[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


class WorkerDiedError(PressfeedError):
    """A worker process died under a job (the OOM killer, a crash in a C extension): that job's input failed."""

    exit_code = ExitCode.PARTIAL


class UsageError(PressfeedError):
    """A command was given something it cannot use (unknown source, section, …)."""

    exit_code = ExitCode.USAGE


class StoreError(PressfeedError):
    """The article store cannot be opened, read or written, or is not a pressfeed store."""

    exit_code = ExitCode.CANNOT_RUN


class NoStoreError(StoreError):
    """There is no store at that place yet (and it was not to be created)."""

    exit_code = ExitCode.USAGE


class StoreNotEmptyError(StoreError):
    """`store copy` into a store that holds data: an operator's mistake (copy into a new store), not a fault."""

    exit_code = ExitCode.USAGE


class ArticleNotFoundError(StoreError):
    exit_code = ExitCode.USAGE

    def __init__(self, article_id: str, *, deleted: bool = False) -> None:
        self.article_id, self.deleted = article_id, deleted
        if deleted:
            super().__init__(
                f"article {article_id!r} was deleted: its tombstone keeps imports and ingest from bringing it back"
            )
        else:
            super().__init__(f"no article with id {article_id!r} (see `pressfeed articles list`)")


class FeedParseError(PressfeedError):
    """The bytes are not a usable feed (an HTML error page, garbage); that source fails, the others go on."""


class FeedRefusedError(FeedParseError):
    """A feed document refused before or while it is parsed: its markup would cost the parser far more time
    or memory than its size warrants (a server built it to, or is badly broken)."""


class LockedError(PressfeedError):
    """Another pressfeed run holds the site lock."""

    exit_code = ExitCode.LOCKED
