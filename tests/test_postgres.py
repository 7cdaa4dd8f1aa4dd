"""Sites on PostgreSQL, end to end: the same feeds as SQLite, `store copy` both ways, two hosts sharing
one database, and what the operator is told when the database is not there.

The server is the session's throwaway one (conftest `pg_server`, tests/pgserver.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import copy_sample_site, run_site, serving
from pgserver import PostgresServer
from pressfeed.cli import cli
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.errors import LockedError
from pressfeed.model import ArticleFilter
from pressfeed.store import open_store

NOW_ARG = "2025-11-08T21:00:00+09:00"
HIDE = "tag:example-portal.kr,2025:article/20251108-0001"


def invoke(site: Path, *args: str, url: str | None = None) -> Result:
    env = {"PRESSFEED_STORE_URL": url} if url else {}
    return CliRunner().invoke(cli, ["--site", str(site), "--now", NOW_ARG, *args], env=env)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def on(url: str, site: Path) -> Path:
    """The site's config pointed at `url` (store.url), the way an operator switches a site over."""
    config = site / "feeds" / "pressfeed.yaml"
    text = config.read_text(encoding="utf-8").replace("  path: .pressfeed/pressfeed.db\n", f"  url: {url}\n")
    config.write_text(text, encoding="utf-8")
    return site


@pytest.fixture
def sqlite_built(tmp_path: Path) -> Path:
    site = copy_sample_site(tmp_path / "sqlite-site")
    run_site(site).close()
    return site


def test_the_sample_site_built_from_postgresql_is_byte_identical(
    pg_server: PostgresServer, sqlite_built: Path, tmp_path: Path
) -> None:
    site = on(pg_server.new_database(), copy_sample_site(tmp_path / "pg-site"))
    pf = run_site(site)
    try:
        assert pf.store.location.startswith("postgresql://")
        assert pf.store.count() == 35
        again = pf.run()  # nothing new: nothing written
        assert again.build.written == () and again.imported.created == 0
    finally:
        pf.close()
    assert tree(site / "public") == tree(sqlite_built / "public")
    assert not (site / ".pressfeed" / "pressfeed.db").exists()  # no SQLite file on the side


def test_store_copy_both_ways_builds_byte_identical_feeds(
    pg_server: PostgresServer, sqlite_built: Path, tmp_path: Path
) -> None:
    url = pg_server.new_database()
    with_password = url.replace("pressfeed@", "pressfeed:s3cret@")  # the test server trusts the socket anyway
    copied = invoke(sqlite_built, "store", "copy", "--to", with_password)
    assert copied.exit_code == 0, copied.output
    assert "copied 35 articles" in copied.stdout and f"store.url (or PRESSFEED_STORE_URL) to {url}" in copied.stdout
    assert "s3cret" not in copied.output

    # the copy, built into the same output: every file is current, nothing is written
    rebuilt = invoke(sqlite_built, "build", "--json", url=url)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(rebuilt.stdout)["written"] == []
    # switched over in the config, as README's steps do: nothing written either (an operator's walkthrough: the
    # store was part of the config's digest, which dates feeds.opml)
    config = sqlite_built / "feeds" / "pressfeed.yaml"
    before = config.read_text(encoding="utf-8")
    later = ["--site", str(on(url, sqlite_built)), "--now", "2025-11-09T09:00:00+09:00", "build", "--json"]
    switched = CliRunner().invoke(cli, later)
    config.write_text(before, encoding="utf-8")
    assert switched.exit_code == 0, switched.output
    assert json.loads(switched.stdout)["written"] == []
    # and from scratch, into a new output: the same bytes
    fresh = on(url, copy_sample_site(tmp_path / "fresh"))
    assert invoke(fresh, "build").exit_code == 0
    assert tree(fresh / "public") == tree(sqlite_built / "public")

    # and back: PostgreSQL into a new SQLite store
    back = copy_sample_site(tmp_path / "back")
    returned = invoke(back, "store", "copy", "--from", url)
    assert returned.exit_code == 0, returned.output
    assert invoke(back, "build").exit_code == 0
    assert tree(back / "public") == tree(sqlite_built / "public")
    assert invoke(back, "articles", "list", "--json", "--limit", "100").stdout == (
        invoke(sqlite_built, "articles", "list", "--json", "--limit", "100").stdout
    )

    refused = invoke(back, "store", "copy", "--from", url)  # the site's store holds data now
    assert refused.exit_code == 2 and "already holds data" in refused.stderr  # the operator's to fix


# -- two hosts, one database --------------------------------------------------------------------------


def shared_site(root: Path, feeds_url: str) -> Path:
    """A host's site directory: the sample config, agency feeds fetched over HTTP like any host would."""
    site = copy_sample_site(root)
    config = site / "feeds" / "pressfeed.yaml"
    text = config.read_text(encoding="utf-8").replace("url: feeds/agencies/", f"url: {feeds_url}")
    config.write_text(text, encoding="utf-8")
    return site


class Command:
    """`pressfeed --site SITE … ARGS` in a process of its own (a host's cron job)."""

    def __init__(self, site: Path, url: str, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if k != "PRESSFEED_CONFIG"}
        env["PRESSFEED_STORE_URL"] = url
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pressfeed", "--site", str(site), "--now", NOW_ARG, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    def finish(self) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=120)
        return self.proc.returncode, out, err


@pytest.fixture
def agency_feeds() -> Iterator[str]:
    with serving(Path(__file__).parent / "fixtures" / "portal-2025" / "feeds" / "agencies") as base:
        yield base


@pytest.mark.slow
def test_two_hosts_sharing_one_database_run_at_the_same_moment(
    pg_server: PostgresServer, agency_feeds: str, tmp_path: Path
) -> None:
    """Both cron jobs start together: one waits for the other, neither duplicates, both publish the same bytes."""
    url = pg_server.new_database()
    hosts = [shared_site(tmp_path / name, agency_feeds) for name in ("host-a", "host-b")]

    started = [Command(site, url, "run") for site in hosts]  # both at once
    first = [command.finish() for command in started]
    for code, _out, err in first:
        assert code == 0, err
    created = [line for _, out, _ in first for line in out.splitlines() if line.startswith(("import:", "ingest:"))]
    # one host did the work while the other waited; the other then found everything there
    assert sorted(created) == sorted(
        [
            "import: 4 files, 16 new, 0 updated, 0 unchanged",
            "ingest: 5 sources, 19 new, 0 updated",
            "import: 4 files, 0 new, 0 updated, 16 unchanged",
            "ingest: 5 sources, 0 new, 0 updated",
        ]
    )
    assert tree(hosts[0] / "public") == tree(hosts[1] / "public")

    # an editor on host A hides an article while both hosts' cron jobs run again
    round_two = [Command(hosts[0], url, "run"), Command(hosts[0], url, "articles", "hide", HIDE)]
    round_two.append(Command(hosts[1], url, "run"))
    for code, _out, err in (c.finish() for c in round_two):
        assert code in (0, 75), err  # host A's own overlapping job may find its site busy (75)
    third = [Command(site, url, "run") for site in hosts]  # the next cron tick on both hosts
    for code, _out, err in (c.finish() for c in third):
        assert code == 0, err

    store = open_store(url)
    try:
        ids = [s.article.id for s in store.articles(ArticleFilter())]
        assert len(ids) == 35 == len(set(ids))  # no duplicates
        hidden = store.get(HIDE)
        assert hidden is not None and str(hidden.article.status) == "hidden"  # the edit was not lost
    finally:
        store.close()
    published = tree(hosts[0] / "public")
    assert published == tree(hosts[1] / "public")
    assert not any(HIDE.encode() in data for data in published.values())
    guids = [line for line in published["rss.xml"].decode().splitlines() if "<guid" in line]
    assert len(guids) == len(set(guids))


def test_an_overlapping_run_of_the_same_site_exits_at_once_another_hosts_run_is_waited_for(
    pg_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_server.new_database()
    monkeypatch.setenv("PRESSFEED_STORE_URL", url)
    here, there = copy_sample_site(tmp_path / "here"), copy_sample_site(tmp_path / "there")
    config = there / "feeds" / "pressfeed.yaml"  # the other host waits half a second at most
    text = config.read_text(encoding="utf-8").replace("  path: .pressfeed/pressfeed.db\n", "  lock_wait: 0.5\n")
    config.write_text(text, encoding="utf-8")

    holder = Pressfeed(load_config(here))
    try:
        with holder.locked():
            started = time.monotonic()
            same_site = invoke(here, "run")
            assert same_site.exit_code == 75 and time.monotonic() - started < 5
            assert f"lock {here.resolve() / '.pressfeed' / 'pressfeed.lock'}" in same_site.stderr
            other_host = invoke(there, "run")
            assert other_host.exit_code == 75, other_host.output
            assert "PostgreSQL advisory lock" in other_host.stderr and "held by pressfeed on" in other_host.stderr
            assert not (there / "public").exists()  # nothing done
            with pytest.raises(LockedError), Pressfeed(load_config(there)) as waiting, waiting.locked():
                pass
    finally:
        holder.close()
    assert invoke(there, "run").exit_code == 0  # the lock is free again


# -- what the operator is told --------------------------------------------------------------------------


def test_an_unreachable_database_exits_74_naming_it(tmp_path: Path) -> None:
    site = copy_sample_site(tmp_path / "site")
    url = f"postgresql://pressfeed:secret@/pressfeed?host={tmp_path}&connect_timeout=2"  # no server there
    for args in (("run",), ("articles", "list")):
        result = invoke(site, *args, url=url)
        assert result.exit_code == 74, result.output
        assert result.stderr.startswith(f"error: cannot connect to PostgreSQL at {tmp_path}:5432 ")
        assert "secret" not in result.stderr  # the password never shows
    assert not (site / "public").exists()


def test_a_bad_store_url_is_a_config_error(tmp_path: Path) -> None:
    site = copy_sample_site(tmp_path / "site")
    result = invoke(site, "check", url="mysql://db/pressfeed")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: PRESSFEED_STORE_URL: 'mysql://db/pressfeed' is not a store URL")


def test_a_parameter_libpq_does_not_know_is_a_config_error_naming_its_line(tmp_path: Path) -> None:
    site = on("postgresql://pressfeed:secret@db.example.kr/portal?sslmode=require&conect_timeout=5",
              copy_sample_site(tmp_path / "site"))  # fmt: skip
    config = site / "feeds" / "pressfeed.yaml"
    line = next(n for n, text in enumerate(config.read_text().splitlines(), 1) if "conect_timeout" in text)
    for args in (("check",), ("run",)):
        result = invoke(site, *args)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"error: {config}:{line}: store.url: ")
        assert 'invalid URI query parameter: "conect_timeout"' in result.stderr
        assert "secret" not in result.stderr
    assert not (site / "public").exists()
    other = copy_sample_site(tmp_path / "other")
    on_line = invoke(other, "store", "copy", "--to", "postgresql://pressfeed@db.example.kr/portal?colour=blue")
    assert on_line.exit_code == 2, on_line.output
    assert '"colour"' in on_line.stderr


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://pressfeed:s3cr%et@db.example.kr/portal",
        "postgresql://pressfeed@db.example.kr/portal?password=s3cr%et",
    ],
)
def test_a_password_libpq_cannot_read_is_not_shown(tmp_path: Path, url: str) -> None:
    """A review's: libpq quotes the token it cannot read, and a password with a stray % was printed."""
    result = invoke(copy_sample_site(tmp_path / "site"), "check", url=url)
    assert result.exit_code == 2, result.output
    assert "invalid percent-encoded token" in result.stderr and "%25" in result.stderr
    assert "s3cr" not in result.output + result.stderr


def test_without_psycopg_a_postgresql_store_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the `postgres` extra were not installed
    monkeypatch.delitem(sys.modules, "pressfeed.store.postgres", raising=False)
    site = copy_sample_site(tmp_path / "site")
    result = invoke(site, "articles", "list", url="postgresql://pressfeed@db.example.kr/portal")
    assert result.exit_code == 74
    assert "pip install 'pressfeed[postgres]'" in result.stderr


def test_commands_that_only_read_create_no_tables(pg_server: PostgresServer, tmp_path: Path) -> None:
    url = pg_server.new_database()
    site = copy_sample_site(tmp_path / "site")
    for args in (("check",), ("articles", "list"), ("sources",), ("ingest", "--dry-run")):
        result = invoke(site, *args, url=url)
        assert result.exit_code in (0, 1), result.output  # 1: dry-run fetches of local files may fail
    import psycopg

    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


@pytest.mark.parametrize("datestyle", ["SQL, DMY", "German", "Postgres, MDY"])
def test_a_database_whose_datestyle_is_not_iso_builds_as_any_other(
    pg_server: PostgresServer, sqlite_built: Path, tmp_path: Path, datestyle: str
) -> None:
    """A DBA's `ALTER DATABASE … SET datestyle` (or postgresql.conf, PGDATESTYLE) for another application: psycopg
    parses timestamptz in ISO only, so the second build, reading the build state's times, died with a traceback."""
    import psycopg

    url = pg_server.new_database()
    with psycopg.connect(url, autocommit=True) as conn:
        name = conn.execute("SELECT current_database()").fetchone()[0]
        conn.execute(f"ALTER DATABASE {name} SET datestyle = '{datestyle}'")
        conn.execute(f"ALTER DATABASE {name} SET timezone = 'Asia/Seoul'")
    site = on(url, copy_sample_site(tmp_path / "pg-site"))
    for _ in range(2):
        result = invoke(site, "run")
        assert result.exit_code == 0, result.output
    assert tree(site / "public") == tree(sqlite_built / "public")


def test_a_role_that_may_only_read_an_older_store_is_told_it_needs_upgrading(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    """README: a user who may only read a store of an older schema gets "the store needs upgrading"; on
    PostgreSQL it got the server's "must be owner of table feed_file" alone."""
    import psycopg

    from pressfeed.store import postgres

    url = pg_server.new_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE schema_version (version integer NOT NULL)")
        conn.execute("INSERT INTO schema_version VALUES (3)")
        for migration in postgres.MIGRATIONS[:3]:
            for statement in postgres._statements(migration()):
                conn.execute(statement)
        conn.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') THEN"
                     " CREATE ROLE reader LOGIN; END IF; END $$")  # fmt: skip
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    site = copy_sample_site(tmp_path / "site")
    result = invoke(site, "articles", "list", url=url.replace("pressfeed@", "reader@"))
    assert result.exit_code == 74
    upgrading = f"the store needs upgrading (schema 3 to {postgres.VERSION})"
    assert f"{upgrading} and role 'reader' may not change its tables" in result.stderr


@pytest.mark.parametrize("days_apart", [0, 5])
def test_near_copies_are_found_alike_on_postgresql(pg_server: PostgresServer, tmp_path: Path, days_apart: int) -> None:
    """passage_pairs' own SQL (its date window in timestamptz): the newsroom's near copy supersedes its release
    within NEAR_DAYS, and not a week apart, as on SQLite (tests/test_stories.py)."""
    from datetime import timedelta

    from test_stories import CMS_ID, CONTACT, LONG_TEXT, NOW, RELEASE_ID, Site, cms, release

    portal = Site(tmp_path / "site")
    on(pg_server.new_database(), portal.root)
    portal.feed(release(text=LONG_TEXT + CONTACT))
    published = f"2025-11-{8 + days_apart:02d} 11:30:00"
    portal.cms(cms(url=None, body=f"<p>(포탈뉴스통신) {LONG_TEXT}</p>", published=published))
    pf = portal.run(NOW + timedelta(days=days_apart))
    try:
        stored = pf.store.get(RELEASE_ID)
        assert stored is not None and stored.superseded_by == (CMS_ID if days_apart == 0 else None)
    finally:
        pf.close()


# -- red team: PostgreSQL sites behaving unlike SQLite ones --------------------------------------------


def test_a_postgresql_site_copies_from_its_own_old_sqlite_store_without_waiting_for_itself(
    pg_server: PostgresServer, sqlite_built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README's switch-over (`store copy --from .pressfeed/pressfeed.db` into the configured PostgreSQL store): the
    PostgreSQL site's own lock is .pressfeed/pressfeed.lock, which is also that SQLite file's run lock, so the
    command waited EDITOR_WAIT for the lock it holds itself and exited 75. A SQLite site copying to a file beside
    its store (pressfeed.bak, the same lock) knows the lock is its own (test_cli)."""
    monkeypatch.chdir(sqlite_built)
    monkeypatch.setattr("pressfeed.cli.EDITOR_WAIT", 0.5)  # waiting for itself fails fast instead of in 60 s
    url = pg_server.new_database()
    copied = invoke(sqlite_built, "store", "copy", "--from", ".pressfeed/pressfeed.db", url=url)
    assert copied.exit_code == 0, copied.output
    assert "copied 35 articles" in copied.stdout
    # and the other way: from PostgreSQL into a new file beside the old store
    backup = invoke(sqlite_built, "store", "copy", "--to", ".pressfeed/pressfeed.bak", url=url)
    assert backup.exit_code == 0, backup.output


def test_store_copy_to_the_sites_own_postgresql_store_by_another_spelling_is_a_usage_error(
    pg_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's `.pressfeed/../.pressfeed/pressfeed.db` is known as the site's own store (exit 2, test_cli). The same
    database named with a password, or one more connection parameter, was not: the copy waited EDITOR_WAIT for the
    advisory lock its own command holds and said another run (its own pid) was in progress, exit 75."""
    monkeypatch.setattr("pressfeed.cli.EDITOR_WAIT", 0.5)  # waiting for itself fails fast instead of in 60 s
    url = pg_server.new_database()
    site = on(url, copy_sample_site(tmp_path / "site"))
    run_site(site).close()
    for spelling in (url.replace("pressfeed@", "pressfeed:s3cret@"), f"{url}&connect_timeout=5"):
        for direction in ("--to", "--from"):
            itself = invoke(site, "store", "copy", direction, spelling)
            assert itself.exit_code == 2, (direction, spelling, itself.output)
            assert "is the site's own store" in itself.stderr


def test_a_sql_ascii_database_builds_as_any_other(
    pg_server: PostgresServer, sqlite_built: Path, tmp_path: Path
) -> None:
    """`initdb --locale=C` without -E (a container's LANG=C) makes SQL_ASCII databases: psycopg then sends every
    str as bytes, and the first query with an id list failed (text = bytea), exit 74 on every run."""
    pg_server.execute("CREATE DATABASE ascii_db ENCODING 'SQL_ASCII' LOCALE 'C' TEMPLATE template0")
    site = on(pg_server.url("ascii_db"), copy_sample_site(tmp_path / "pg-site"))
    for _ in range(2):
        result = invoke(site, "run")
        assert result.exit_code == 0, result.output
    assert tree(site / "public") == tree(sqlite_built / "public")
    listed = invoke(site, "articles", "list", "--json", "--limit", "100")
    assert listed.stdout == invoke(sqlite_built, "articles", "list", "--json", "--limit", "100").stdout


def test_store_copy_to_the_sites_own_postgresql_store_as_another_role_is_a_usage_error(
    pg_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgresStore.same_schema looks for this session's pid and backend_start in pg_stat_activity as `other`
    sees it; a role that is neither a member of the site's role nor of pg_read_all_stats sees backend_start as
    NULL there, so the site's own database and schema, named with another role, was not known as the site's:
    the copy waited EDITOR_WAIT for the advisory lock its own command holds, exit 75."""
    monkeypatch.setattr("pressfeed.cli.EDITOR_WAIT", 0.5)  # waiting for itself fails fast instead of in 60 s
    url = pg_server.new_database()
    database = url.partition("@/")[2].partition("?")[0]
    site = on(url, copy_sample_site(tmp_path / "site"))
    run_site(site).close()
    role = f"editor_{database}"
    pg_server.execute(f"CREATE ROLE {role} LOGIN")
    for grant in (
        f"GRANT ALL ON SCHEMA public TO {role}",
        f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ):
        pg_server.execute(grant, database)
    spelling = url.replace("pressfeed@", f"{role}@")
    for direction in ("--to", "--from"):
        itself = invoke(site, "store", "copy", direction, spelling)
        assert itself.exit_code == 2, (direction, itself.output)
        assert "is the site's own store" in itself.stderr
