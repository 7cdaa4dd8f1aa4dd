"""Store URLs: which backend holds a site's store, and where.

* ``sqlite:///srv/portal/pressfeed.db``: a SQLite file, by absolute path (as in ``file:///``);
* ``sqlite:.pressfeed/pressfeed.db``: a SQLite file, relative to a base (the site directory in the
  config, the current directory on the command line); ``store.path: FILE`` is the shorthand;
* ``postgresql://user@db.example.kr:5432/pressfeed`` (or ``postgres://``): a PostgreSQL database,
  with every libpq URI parameter (``?host=/run/postgresql`` for a local socket, ``sslmode=…``,
  ``options=-csearch_path%3Dportal`` for a schema of its own). Keep the password out of the config:
  libpq reads ``~/.pgpass`` and ``PGPASSWORD``.

Nothing here imports a database driver, except to have libpq read a PostgreSQL URL (when it is
installed), so that a parameter it does not know is a mistake in the config, not a failed connection.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
_SCHEMES = {"sqlite": SQLITE, "postgresql": POSTGRESQL, "postgres": POSTGRESQL}
EXAMPLES = "sqlite:///absolute/path.db, sqlite:relative/path.db or postgresql://user@host:5432/dbname"


class StoreURLError(ValueError):
    """Not a store URL; the message says what is expected."""


def backend(url: str) -> str:
    """SQLITE or POSTGRESQL; StoreURLError for anything else."""
    scheme, sep, _ = url.partition(":")
    kind = _SCHEMES.get(scheme.lower()) if sep else None
    if kind is None:
        raise StoreURLError(f"{url!r} is not a store URL (use {EXAMPLES})")
    return kind


def resolve(url: str, base: Path) -> str:
    """`url` checked, with a relative SQLite path made absolute against `base`."""
    if backend(url) == SQLITE:
        return sqlite_url(_sqlite_path(url, base))
    parts = urlsplit(url)
    if not parts.netloc and not dict(parse_qsl(parts.query)).get("host"):
        raise StoreURLError(f"{redact(url)}: name the server, e.g. postgresql://user@host/dbname")
    _libpq_reads(url)
    return url


def _libpq_reads(url: str) -> None:
    """StoreURLError when libpq cannot read `url` (an unknown parameter, a bad %-escape)."""
    try:
        from psycopg import Error
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:
        return  # opening the store says what to install
    try:
        conninfo_to_dict(url)
    except Error as exc:
        message = " ".join(str(exc).split())
        if not message.startswith("invalid URI query parameter"):  # (a parameter's name may be quoted: no value)
            # libpq quotes the token it could not read, which may be the password: "s3cr%et"
            message = _QUOTED.sub('"…"', message) + " (write a % that is no escape as %25)"
        raise StoreURLError(f"{redact(url)}: {message}") from None


_QUOTED = re.compile(r'"[^"]*"')


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite file at an absolute `path`."""
    return f"sqlite://{path}" if path.is_absolute() else f"sqlite:{path}"


def sqlite_path(url: str) -> Path | None:
    """The file of a resolved SQLite URL; None for other backends."""
    return _sqlite_path(url, Path("/")) if backend(url) == SQLITE else None


def _sqlite_path(url: str, base: Path) -> Path:
    rest = url.partition(":")[2]
    if rest.startswith("//"):  # sqlite://host/path: only an empty host (or localhost) is this machine
        host, slash, path = rest[2:].partition("/")
        if host not in ("", "localhost") or not slash:
            raise StoreURLError(f"{url!r}: a SQLite URL names a file: sqlite:///absolute/path.db or sqlite:relative.db")
        rest = "/" + path
    if rest in ("", "/"):
        raise StoreURLError(f"{url!r}: the SQLite file's path is missing")
    file = Path(rest)
    return file if file.is_absolute() else base / file


def redact(url: str) -> str:
    """The URL as messages show it: without a password, in the netloc or the query."""
    kind = backend_or_none(url)
    if kind == SQLITE:
        try:
            return str(_sqlite_path(url, Path()))
        except StoreURLError:
            return url
    if kind != POSTGRESQL:
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "password"], safe="/")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def backend_or_none(url: str) -> str | None:
    try:
        return backend(url)
    except StoreURLError:
        return None
