"""A throwaway PostgreSQL server for the tests and the benchmark: the distribution's initdb and pg_ctl
in a temporary directory, never a mock.

It listens on a Unix socket in that directory only (no TCP port to collide
with another test run), trusts local connections, and runs as the `postgres`
user when we are root, since initdb refuses to run as root. pytest-postgresql
does the same dance but cannot switch users, so this is the ~100 lines it
would have saved.

Where are the binaries: ``PRESSFEED_PG_BINDIR``, then ``initdb`` on PATH, then
``pg_config --bindir``, then Debian's ``/usr/lib/postgresql/<version>/bin``
(``apt-get install postgresql``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class PostgresUnavailable(Exception):
    """No PostgreSQL server can be started here; the message says why and what to install."""


def find_bindir() -> Path:
    """The folder holding initdb and pg_ctl, or PostgresUnavailable saying where we looked."""
    candidates: list[Path] = []
    if os.environ.get("PRESSFEED_PG_BINDIR"):
        candidates.append(Path(os.environ["PRESSFEED_PG_BINDIR"]))
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out:
            candidates.append(Path(out))
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name), reverse=True)
    candidates.extend(debian)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresUnavailable(
        "no initdb/pg_ctl found (PRESSFEED_PG_BINDIR, PATH, pg_config, /usr/lib/postgresql/*/bin); "
        "install the server: apt-get install postgresql"
    )


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _run_as() -> pwd.struct_passwd | None:
    """The account the server runs as: `postgres` when we are root, else ourselves (None)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "running as root, and initdb refuses root: create a postgres user (the postgresql package does)"
        ) from None


@dataclass
class PostgresServer:
    root: Path
    bindir: Path
    account: pwd.struct_passwd | None
    _names: Any = field(default_factory=lambda: itertools.count(1))
    _schemas: str | None = None

    @classmethod
    def start(cls, *, durable: bool = False) -> PostgresServer:
        """initdb and start a server; `durable` keeps PostgreSQL's default fsync settings (benchmarks)."""
        try:
            import psycopg  # noqa: F401  (the store's driver: without it there is nothing to test)
        except ImportError as exc:
            raise PostgresUnavailable(f"psycopg is not installed ({exc}): pip install -e '.[test]'") from None
        bindir, account = find_bindir(), _run_as()
        root = Path(tempfile.mkdtemp(prefix="pfpg-", dir="/tmp"))  # short: a socket path has ~100 bytes
        if account is not None:
            os.chown(root, account.pw_uid, account.pw_gid)
        server = cls(root, bindir, account)
        try:
            server._pg("initdb", "-D", str(root / "data"), "-U", "pressfeed", "--auth=trust", "-E", "UTF8",
                       "--locale=C", "-N")  # fmt: skip
            options = f"-k {root} -c listen_addresses= -c max_connections=200"
            if not durable:  # tests: nothing here must survive a crash of the machine
                options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            server._pg("pg_ctl", "-D", str(root / "data"), "-l", str(root / "log"), "-o", options, "-w", "start")
        except BaseException:
            server.stop()
            raise
        return server

    def _pg(self, program: str, *args: str) -> None:
        kwargs: dict[str, Any] = {}
        if self.account is not None:
            kwargs = {"user": self.account.pw_uid, "group": self.account.pw_gid, "extra_groups": []}
        proc = subprocess.run(
            [str(self.bindir / program), *args], capture_output=True, text=True, check=False, cwd=self.root, **kwargs
        )
        if proc.returncode != 0:
            log = (self.root / "log").read_text(errors="replace") if (self.root / "log").exists() else ""
            raise PostgresUnavailable(f"{program} failed ({proc.returncode}): {proc.stderr.strip()} {log[-2000:]}")

    def url(self, database: str = "postgres", schema: str | None = None) -> str:
        """A store URL on the server's socket; with `schema`, the store lives in that schema."""
        url = f"postgresql://pressfeed@/{database}?host={self.root}"
        return url + (f"&options=-csearch_path%3D{schema}" if schema else "")

    def execute(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)

    def new_database(self) -> str:
        """A new, empty database whose default collation is Korean (ICU ko-KR) where the server has ICU.

        A Korean portal's database would: it orders Hangul before Latin and
        ignores case, so the store must not rely on the default for its order.
        """
        import psycopg

        name = f"db{next(self._names)}"
        try:
            self.execute(f"CREATE DATABASE {name} LOCALE_PROVIDER icu ICU_LOCALE 'ko-KR' LOCALE 'C' TEMPLATE template0")
        except psycopg.Error:  # a server built without ICU (before 15, or elsewhere)
            self.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def new_schema(self) -> str:
        """A new, empty schema in a shared test database (much faster than a database); its URL."""
        if self._schemas is None:
            self._schemas = self.new_database().partition("@/")[2].partition("?")[0]
        name = f"s{next(self._names)}"
        self.execute(f"CREATE SCHEMA {name}", self._schemas)
        return self.url(self._schemas, name)

    def stop(self) -> None:
        if (self.root / "data" / "postmaster.pid").exists():
            with contextlib.suppress(PostgresUnavailable):
                self._pg("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
