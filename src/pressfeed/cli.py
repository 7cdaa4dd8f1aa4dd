"""The `pressfeed` command: a thin click layer over :class:`pressfeed.core.Pressfeed`.

Exit codes (:class:`pressfeed.errors.ExitCode`): 0 ok, 1 partial failure (some
source or file failed, the rest went on), 2 usage/config/input error (nothing
written), 74 could not run (store or disk), 75 another run holds the lock, 128 + N
stopped by signal N (Ctrl-C, SIGTERM, SIGHUP).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

import click

from . import __version__
from .errors import (
    ArticleNotFoundError,
    ExitCode,
    InputError,
    Interrupted,
    LockedError,
    PressfeedError,
    UsageError,
)
from .scaffold import init_site
from .terms import LISTED_STATUSES, Status

if TYPE_CHECKING:
    from .core import Pressfeed
    from .results import IngestResult, Notice, PingReport
    from .runlog import RunLog
    from .store import Store, StoredArticle

#: seconds an editor's one-off command waits for a running import/ingest/build to finish
EDITOR_WAIT = 60.0
#: what an editor's command adds: it changes the store, and only a build rewrites the feeds
FEEDS_LATER = "the feeds change at the next run, or now with `pressfeed build`"
#: a logging record as stderr and the run log show it
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


class _JSONResult(Protocol):
    def to_json(self) -> Any: ...


@dataclass
class Env:
    """The global options every command gets (`--site`, `--config`, `-v`, `-q`, `--now`, `--log`), and where
    a command's lines go: to the terminal as -q and -v say, and every one of them to the run log."""

    site: Path
    config: Path | None
    verbose: int
    quiet: bool
    #: --now / PRESSFEED_NOW: the time the command runs at (ISO 8601; naive = the site's zone)
    now: str | None = None
    #: --log / PRESSFEED_LOG, open while the command runs (see :meth:`logging_to`)
    log: RunLog | None = None
    #: the command as the run log names it ("run", "sources reset"), set as click invokes it
    command: str = ""
    #: False once a command's stdout is its --json: its summary lines then go to the log only
    stdout: bool = True

    @contextmanager
    def pressfeed(self, *, read_only: bool = False) -> Iterator[Pressfeed]:
        """The site's Pressfeed; `read_only` commands never create a store where there is none."""
        from .clock import Clock, fixed, parse_now
        from .config import config_cache, load_config
        from .core import Pressfeed
        from .errors import NoStoreError
        from .store import empty_store, open_store

        with _errors(self):
            cache = config_cache(self.site)
            config = load_config(self.site, self.config, cache=cache)
            clock = Clock()
            if self.now:
                try:
                    clock = fixed(parse_now(self.now, config.site.tz))
                except ValueError as exc:
                    raise UsageError(f"--now: {exc}") from None
            new_file = None if read_only else _new_sqlite_file(config.store_url)
            # what a refused first command undoes: the folders its new store is made in
            new_folders = [] if new_file is None else _folders_made_for(new_file.parent)
            try:
                store = open_store(config.store_url, create=not read_only)
            except NoStoreError:
                store = empty_store()
            # our entry points are import-safe, so worker processes may start
            pf = Pressfeed(config, store, clock, auto_workers=True)
        refused = False
        try:
            with _errors(self):
                try:
                    yield pf
                except (PressfeedError, SystemExit) as exc:  # (a command's own _errors exits with the code)
                    code = exc.exit_code if isinstance(exc, PressfeedError) else exc.code
                    refused = code == ExitCode.USAGE  # "nothing was written"
                    if refused and new_file is not None:
                        _discard_new_store(pf.store, new_file, new_folders)
                    raise
                finally:
                    if not (read_only or refused):  # the config is good and this command wrote: keep its parse
                        cache.save()
        finally:
            pf.close()

    @contextmanager
    def logging_to(self, path: Path) -> Iterator[None]:
        """The run log at `path` open while the command runs, Python logging's warnings going to it too.

        Opened before the command does anything, so a path it cannot write stops it with nothing written.
        """
        from .runlog import RunLog, RunLogHandler

        with _errors(self):
            log = RunLog.open(path)
        handler = RunLogHandler(self.to_log)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        self.log = log
        logging.getLogger().addHandler(handler)
        try:
            yield
        finally:
            logging.getLogger().removeHandler(handler)
            self.log = None
            log.close()

    def log_only(self) -> Env:
        """This Env for a command whose stdout is its --json: its summary lines go to the log and not stdout;
        failures and notices still go to stderr, as -q and -v say (a script's exit 1 says no more)."""
        return replace(self, stdout=False)

    def say(self, text: str) -> None:
        """A line of what the command did: on stdout unless -q, in the log always."""
        if self.stdout and not self.quiet:
            click.echo(text)
        self.to_log(text)

    def tell(self, text: str, *, shown: bool = True, fg: str | None = None) -> None:
        """A line for stderr when `shown` (a failure always is), in the log always."""
        if shown:
            click.secho(text, fg=fg, err=True)
        self.to_log(text)

    def fail(self, message: str, code: int) -> NoReturn:
        """The command's error on stderr (--json or not) and in the log, and its exit code."""
        click.secho(f"error: {message}", fg="red", err=True)
        self.to_log(f"error: {message}")
        sys.exit(code)

    def to_log(self, text: str) -> None:
        if self.log is None:
            return
        try:
            self.log.write(self.command, text)
        except OSError as exc:  # the log closed itself: say it once, and the command goes on
            why = exc.strerror or str(exc)
            click.secho(f"warning: --log {self.log.path}: {why}; the rest is not logged", fg="yellow", err=True)


def _new_sqlite_file(url: str) -> Path | None:
    """The SQLite file this command would create; None if it exists (or the store is not SQLite)."""
    from .store.url import sqlite_path

    path = sqlite_path(url)
    return None if path is None or path.exists() else path


def _folders_made_for(folder: Path) -> list[Path]:
    """The folders that making `folder` (with its parents) will make, innermost first. The path is followed as
    the system follows it: a `..` after a folder still to be made, a symlink; so never one that is there."""
    made: list[Path] = []
    here = Path(folder.anchor)
    for part in folder.parts[1:]:
        here = Path(os.path.realpath(here / part))
        if not here.exists():
            made.append(here)
    return made[::-1]


def _discard_new_store(store: Store, path: Path, folders: Sequence[Path]) -> None:
    """Undo the store this command created before refusing its input, so the site stays as new as it was:
    its files, its run lock and the `folders` made for them (while empty).

    Under the run lock, and only while the store holds nothing: another command may have begun using it.
    The lock file goes while held: one who waits on it then takes the lock of a file made anew
    (:func:`~.store.base.file_lock`).
    """
    from .store.sqlite import SQLiteStore

    if not isinstance(store, SQLiteStore):
        return
    try:
        with store.lock(wait=0):
            if store.table_with_data() is not None:
                return
            store.close()
            for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"):
                path.with_name(name).unlink(missing_ok=True)
            store.lock_file.unlink(missing_ok=True)
    except LockedError:
        return
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty: something else lives there now
            return


@contextmanager
def _errors(env: Env) -> Iterator[None]:
    """Our errors become a message and their exit code; anything else is a bug and shows its traceback.

    A store's own errors (locked, full, read-only, damaged, unreachable) arrive as StoreError naming it.
    """
    try:
        yield
    except PressfeedError as exc:
        env.fail(str(exc), exc.exit_code)
    except OSError as exc:  # an unwritable output directory, a full disk
        env.fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), ExitCode.CANNOT_RUN)


def _json_out(result: _JSONResult | Sequence[_JSONResult]) -> None:
    """The one way a command prints --json: each result type's own `to_json()`."""
    data = [r.to_json() for r in result] if isinstance(result, Sequence) else result.to_json()
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class _GlobalOptionHint(click.Command):
    """`pressfeed run -q` (a crontab written from memory) fails every run: say where the option goes."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # the parser consumes `args`
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            hint = _global_option_hint(ctx, given, exc.option_name)
            if hint:
                raise click.NoSuchOption(exc.option_name, f"{exc.message} {hint}", ctx=ctx) from None
            raise


def _global_option_hint(ctx: click.Context, args: list[str], name: str) -> str:
    """The advice when `name` is one of the root command's options (-q, --site…), else ""."""
    root = ctx.find_root().command
    for param in root.params:
        if isinstance(param, click.Option) and name in param.opts:
            given = next((a for a in args if a == name or a.startswith(f"{name}=")), name)
            words = [given]
            if given == name and not (param.is_flag or param.count):  # its value follows it
                at = args.index(name) + 1
                words.append(args[at] if at < len(args) else param.make_metavar(ctx))
            fixed = " ".join(["pressfeed", *words, *ctx.command_path.split(" ")[1:]])
            return f"{name} is an option of pressfeed itself: put it before the command (`{fixed}`)"
    return ""


class _Command(_GlobalOptionHint):
    """Every command and group: the hint above, and the run log's lines name the command invoked last."""

    def invoke(self, ctx: click.Context) -> Any:
        env = ctx.find_object(Env)
        if env is not None:  # None while the root group runs: its callback makes the Env
            env.command = ctx.command_path.partition(" ")[2]
        return super().invoke(ctx)


class _Group(_Command, click.Group):
    command_class = _Command
    group_class = type  # subgroups are _Group too

    def invoke(self, ctx: click.Context) -> Any:
        """The root group also logs what click itself reports once the run log is open (a command's usage
        error) and a bug's traceback: a cron job's log then says why a run failed, not only stderr's mail."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (errors.Interrupted): not click's "Aborted!"
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
            message = (
                f"interrupted by {signal.Signals(signum).name}: stopped; what it wrote is whole, the next run goes on"
            )
            env = ctx.find_object(Env)
            if env is not None:
                env.fail(message, 128 + signum)
            click.secho(f"error: {message}", fg="red", err=True)
            sys.exit(128 + signum)
        except click.ClickException as exc:
            _log_error(ctx, exc.format_message(), getattr(exc, "ctx", None))
            raise
        except Exception:
            _log_error(ctx, f"internal error (a bug in pressfeed; please report it):\n{traceback.format_exc()}")
            raise


def _log_error(ctx: click.Context, message: str, failed: click.Context | None = None) -> None:
    """`message` as the command's error line in the run log, if this is the root and a log is open; the
    command is the one whose arguments failed (`failed`), when click names it."""
    env = ctx.find_object(Env)
    if ctx.parent is not None or env is None or env.log is None:
        return
    if failed is not None:
        env.command = failed.command_path.partition(" ")[2]
    env.to_log(f"error: {message}")


pass_env = click.make_pass_decorator(Env)
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Site directory (holds feeds/pressfeed.yaml).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="PRESSFEED_CONFIG",
    help="Config file [default: SITE/feeds/pressfeed.yaml; env PRESSFEED_CONFIG].",
)
@click.option(
    "--now",
    metavar="TIME",
    envvar="PRESSFEED_NOW",
    help="Run as if it were TIME (ISO 8601; naive = the site's zone), for replays and tests [env PRESSFEED_NOW].",
)
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success (for cron).")
@click.option(
    "--log",
    type=click.Path(path_type=Path),
    envvar="PRESSFEED_LOG",
    metavar="FILE",
    help="Append every line the command reports (summaries, notices, warnings, errors), whatever -q says, to FILE, "
    "each with its time, pid and command; relative to the current directory [env PRESSFEED_LOG].",
)
@click.version_option(__version__, prog_name="pressfeed")
@click.pass_context
def cli(
    ctx: click.Context, site: Path, config: Path | None, now: str | None, verbose: int, quiet: bool, log: Path | None
) -> None:
    """pressfeed: news articles in, per-section RSS/Atom/JSON feeds out.

    \b
    Examples:
      pressfeed run                      # import, ingest and build the site here
      pressfeed --site /srv/portal -q run  # the same from cron, silent on success
      pressfeed articles list --section IT/과학
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=sys.stderr)
    ctx.obj = env = Env(site=site, config=config, verbose=verbose, quiet=quiet, now=now)
    if log is not None:  # as --config: a relative path is the current directory's
        ctx.with_resource(env.logging_to(Path.cwd() / log))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--force", is_flag=True, help="Overwrite an existing config (other files are kept).")
@pass_env
def init(env: Env, directory: Path | None, force: bool) -> None:
    """Create a working site: config, one sample article, .gitignore.

    \b
    Example:
      pressfeed init /srv/portal   # then set site.url, feed_url and tag_authority
    """
    site = directory or env.site
    with _errors(env):
        created = init_site(site, force=force)
    for path in created:
        env.say(f"created {path}")
    env.say(
        f"next: set site.url, feed_url and tag_authority in {created[0]} (ids are made from tag_authority: "
        f"never change it once published), then `pressfeed --site {site} run`"
    )


@cli.command("import")
@click.argument("files", nargs=-1, required=True)
@json_option
@pass_env
def import_(env: Env, files: tuple[str, ...], as_json: bool) -> None:
    """Import CMS export files (JSON, JSON Lines, YAML; - for stdin).

    Upserts by id: an unchanged record changes nothing. All files are checked
    first: if any record is invalid, nothing at all is imported and every
    problem is listed as file:line: field: problem (exit 2). Records of deleted
    articles are skipped.

    \b
    Example:
      pressfeed import feeds/articles/*.yaml
      cms-export --since yesterday | pressfeed import -
    """
    with env.pressfeed() as pf, pf.locked():
        try:
            result = pf.import_files(files)
        except InputError as exc:
            if as_json:  # the failures a script reads, as `run --json` gives them; the message goes to stderr
                from .results import ImportResult, failures_by_file

                _json_out(ImportResult(failures=failures_by_file(exc.problems)))
            raise
        restored = pf.restored_by_exports(files, result)
    if as_json:
        _json_out(result)
        env = env.log_only()
    env.say(result.summary())
    if restored:
        env.tell(
            f"note: {restored[0]}{f' and {len(restored) - 1} more' if len(restored) > 1 else ''}: a configured"
            " export (imports:) that holds it gives it back its own version on the next run; edit it in the CMS",
            shown=not env.quiet,
            fg="yellow",
        )


@cli.command()
@click.option("--force", is_flag=True, help="Re-render every feed even if unchanged.")
@json_option
@pass_env
def build(env: Env, force: bool, as_json: bool) -> None:
    """Write every section's and the site's RSS, Atom and JSON feeds, OPML and index.html.

    Unchanged feeds are not rewritten (byte-identical output).

    \b
    Example:
      pressfeed build && ls public/it-science/
    """
    with env.pressfeed() as pf, pf.locked():
        result = pf.build(force=force)
    if as_json:
        _json_out(result)
        env = env.log_only()
    env.say(result.summary())
    _report_websub(env, result.websub)


@cli.command()
@json_option
@pass_env
def run(env: Env, as_json: bool) -> None:
    """The cron job: import configured files, ingest sources, build feeds.

    Takes a lock: an overlapping run exits at once with code 75. Exit 1 when a
    source or an import file failed (the rest was still ingested and built).

    \b
    Example (crontab, every 5 minutes; cron's PATH has no virtualenv; cron mails
    failures and warnings, the log keeps every run's summary):
      */5 * * * * /opt/pressfeed/.venv/bin/pressfeed --site /srv/portal -q --log /var/log/pressfeed/run.log run
    """
    with env.pressfeed() as pf, _progress(env, len(pf.config.sources)) as tick:
        result = pf.run(progress=tick)
    if as_json:
        _json_out(result)
        env = env.log_only()
    for line in result.lines():
        env.say(line)
    _report(env, result.notices(), result.failure_lines())
    _report_websub(env, result.build.websub)
    for line, due in result.health_warnings():  # cron (-q) hears of one when due; the log every run
        env.tell(line, shown=due or not env.quiet, fg="yellow")
    if not result.ok:
        sys.exit(ExitCode.PARTIAL)


@cli.command()
@click.argument("source_ids", nargs=-1, metavar="[SOURCE]...")
@click.option("--dry-run", is_flag=True, help="Fetch and show what would be created or updated; write nothing.")
@json_option
@pass_env
def ingest(env: Env, source_ids: tuple[str, ...], dry_run: bool, as_json: bool) -> None:
    """Fetch agency feeds and turn new press releases into articles.

    Without SOURCE, every configured source. Exit 1 when a source failed (the
    others are still ingested), or when a SOURCE named here is gone or
    disabled: it is not fetched until you act, and stderr says how. A named
    source is tried at once even while it backs off after failures.

    \b
    Examples:
      pressfeed ingest msit mofe
      pressfeed ingest --dry-run --json
    """
    with env.pressfeed(read_only=dry_run) as pf, _progress(env, len(source_ids or pf.config.sources)) as tick:
        if dry_run:  # writes nothing, so it needs no lock
            result = pf.ingest(source_ids, dry_run=True, progress=tick)
        else:
            with pf.locked():
                result = pf.ingest(source_ids, progress=tick)
    if as_json:
        _json_out(result)
        env = env.log_only()
    env.say(result.summary())
    if dry_run:
        _say_dry_run(env, result)
    _report(env, result.notices(), result.failure_lines())
    if not result.ok:
        sys.exit(ExitCode.PARTIAL)


def _say_dry_run(env: Env, result: IngestResult) -> None:
    for report in result.reports:
        for article_id in report.new:
            env.say(f"  would create {article_id} ({report.source_id})")
        for article_id in report.updated:
            env.say(f"  would update {article_id} ({report.source_id})")


def _report(env: Env, notices: list[Notice], failures: list[str]) -> None:
    """Failures always; notices an operator should act on unless -q (cron: quiet on success), all with -v;
    the run log gets them all."""
    for notice in notices:
        env.tell(str(notice), shown=bool(env.verbose) or (not env.quiet and notice.actionable))
    for line in failures:
        env.tell(line, fg="red")


def _report_websub(env: Env, report: PingReport | None) -> None:
    """Announced feeds unless -q; a failed ping always (exit code unchanged: it is retried next run)."""
    if report is None:
        return
    if report.pinged:
        env.say(report.summary())
    for line in report.failure_lines():
        env.tell(line, fg="yellow")


@contextmanager
def _progress(env: Env, total: int) -> Iterator[Callable[[str], None] | None]:
    """A progress bar on a terminal; nothing when cron or a pipe is listening."""
    if env.quiet or not sys.stderr.isatty() or total < 2:
        yield None
        return
    with click.progressbar(length=total, label="fetching", file=sys.stderr) as bar:
        yield lambda _source_id: bar.update(1)


@cli.group(invoke_without_command=True)
@json_option
@click.pass_context
def sources(ctx: click.Context, as_json: bool) -> None:
    """Show agency sources, their last fetch and their next; reset them; import or export them as OPML.

    \b
    Examples:
      pressfeed sources
      pressfeed sources reset msit-press
      pressfeed sources import ministries.opml --section society
      pressfeed sources export > sources.opml
    """
    if ctx.invoked_subcommand is not None:
        if as_json:  # it would be ignored: a subcommand that gives JSON takes its own --json
            name = ctx.invoked_subcommand
            command = sources.get_command(ctx, name)
            takes = command is not None and any("--json" in p.opts for p in command.params)
            hint = f": pressfeed sources {name} --json" if takes else f" (pressfeed sources {name} has none)"
            raise click.UsageError(f"--json goes after the subcommand{hint}")
        return
    env: Env = ctx.obj
    with env.pressfeed(read_only=True) as pf:
        rows = pf.source_status()
    if as_json:
        _json_out(list(rows))
        return
    if not rows:
        click.echo("no sources configured (see `sources:` in the config)")
    from .ingest.health import local_time

    tz = pf.config.site.tz
    for row in rows:
        state, last = row.state, row.state.last_fetch_time()
        click.echo(f"{row.id:<12} {row.name}  <{row.url}>")
        click.echo(
            f"{'':<12} last fetch {local_time(last, tz) if last else 'never'}, HTTP {state.http_status or '-'}, "
            f"new {state.new}, updated {state.updated}, skipped {state.skipped}"
        )
        for label, value in (("etag", state.etag), ("last error", state.last_error), ("moved to", state.moved_to)):
            if value:
                click.echo(f"{'':<12} {label}: {value}")
        if not row.next_fetch.due:  # the same words and times as `sources check`
            never = row.next_fetch.at is None  # gone or disabled: only the operator brings it back
            click.secho(f"{'':<12} next fetch: {row.next_fetch.text()}", fg="yellow" if never else None)


@sources.command("check")
@json_option
@pass_env
def sources_check(env: Env, as_json: bool) -> None:
    """Say which sources are alive: ok, held, stale, empty, failing, gone, moved, disabled or pending.

    One line per source; exit 0 when every source is ok, 1 otherwise, so
    monitoring can alert on it. Agencies that items named but the registry
    (`agencies:`) does not know are listed, to be added.

    \b
    Example:
      pressfeed sources check || mail -s "pressfeed sources" ops@example.kr
    """
    with env.pressfeed(read_only=True) as pf:
        health = pf.source_health()
    if as_json:
        _json_out(list(health))
    else:
        if not health:
            click.echo("no sources configured (see `sources:` in the config)")
        for verdict in health:
            click.secho(verdict.line(), fg=None if verdict.ok else "yellow")
        unknown = sorted({name for verdict in health for name in verdict.unknown_agencies})
        if unknown:
            click.echo(f"agencies not in the registry (add them under agencies:): {', '.join(unknown)}")
    if not all(verdict.ok for verdict in health):
        sys.exit(ExitCode.PARTIAL)


@sources.command("reset")
@click.argument("source_ids", nargs=-1, required=True, metavar="SOURCE...")
@json_option
@pass_env
def sources_reset(env: Env, source_ids: tuple[str, ...], as_json: bool) -> None:
    """Poll a source again at its url: clear gone, failures, backoff and validators.

    For a feed that answered 410 (or 404 for days) and is back at the same
    address, one in a long backoff, or one whose held items' pages should be
    read again, or whose items changing without a date of their own should
    have their next change taken. The next run fetches it in full; what it
    brought before is never published again (dedupe keys and articles are
    not touched). The
    press-release API's quota wait is kept. Every SOURCE is checked first: an
    unknown one is an error (exit 2) and nothing is reset. Waits for a running
    `pressfeed run` to finish.

    \b
    Examples:
      pressfeed sources reset msit-press
      pressfeed sources reset msit-press mofe-press --json
    """
    from .ingest.update import select_sources

    with env.pressfeed() as pf:
        select_sources(pf.config, source_ids)  # an unknown id is refused at once, not after waiting for a run
        with pf.locked(wait=EDITOR_WAIT):
            done = pf.reset_sources(source_ids)
    if as_json:
        _json_out(done)
        env = env.log_only()
    for row in done:
        env.say(row.line())


@sources.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--section", help="Section for feeds whose OPML category names none.")
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
@pass_env
def sources_import(env: Env, opml_file: Path, section: str | None, dry_run: bool) -> None:
    """Add the feeds of an OPML file as sources (to feeds/sources.yaml).

    \b
    Example:
      pressfeed sources import ministries.opml --section society
    """
    from .sourcelist import import_sources

    with env.pressfeed() as pf, pf.locked(wait=EDITOR_WAIT):
        result = import_sources(pf.config, opml_file.read_bytes(), str(opml_file), section, dry_run=dry_run)
    verb = "would add" if dry_run else "added"
    for entry in result.added:
        env.say(f"{verb} {entry['id']}: {entry['name']} <{entry['url']}> -> {entry['section']}")
    for line in result.skipped:
        env.say(f"skipped {line}")
    if result.added and not dry_run:
        env.say(f"wrote {result.path}")


@sources.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default stdout).")
@pass_env
def sources_export(env: Env, output: Path | None) -> None:
    """Write the configured sources as OPML.

    \b
    Example:
      pressfeed sources export -o sources.opml
    """
    from .sourcelist import export_sources

    with env.pressfeed(read_only=True) as pf:
        data = export_sources(pf.config)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        with _errors(env):  # a missing folder, a full disk: named, exit 74, not a traceback
            output.write_bytes(data)


@cli.group()
def articles() -> None:
    """List, show, hide and publish stored articles.

    \b
    Example:
      pressfeed articles list --section 정치 --limit 5
    """


@articles.command("list")
@click.option("--section", help="Section slug, title or alias (e.g. it-science or IT/과학).")
@click.option(
    "--status",
    type=click.Choice(list(LISTED_STATUSES)),
    help="Only articles the list shows with this status (published: in the feeds; scheduled: embargoed; "
    "superseded: republished by a newsroom article; held: a draft until its page gives text).",
)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many.")
@json_option
@pass_env
def articles_list(env: Env, section: str | None, status: str | None, limit: int, as_json: bool) -> None:
    """Newest articles first.

    \b
    Example:
      pressfeed articles list --status draft --json
    """
    with env.pressfeed(read_only=True) as pf:
        items = pf.listing(section=section, status=status, limit=limit)
    if as_json:
        _json_out(items)
        return
    tz = pf.config.site.tz
    for info in items:
        a = info.stored.article
        shown = info.listed_status
        click.echo(f"{a.published.astimezone(tz):%Y-%m-%d %H:%M}  {shown:<10}  {a.section:<12}  {a.id}\n    {a.title}")


@articles.command("show")
@click.argument("article_id")
@json_option
@click.option(
    "--record",
    "as_record",
    is_flag=True,
    help="Print it as a record `pressfeed import` takes back (one JSON line, without `updated`): edit, import.",
)
@pass_env
def articles_show(env: Env, article_id: str, as_json: bool, as_record: bool) -> None:
    """Show one article (a full id, or a CMS number such as 20251108-0001).

    \b
    Examples:
      pressfeed articles show 20251108-0001
      pressfeed articles show 20251108-0001 --record > edit.jsonl   # edit it, then: pressfeed import edit.jsonl
    """
    if as_json and as_record:
        raise click.UsageError("--json and --record: give one (--record is the article as an import takes it)")
    with env.pressfeed(read_only=True) as pf:
        info = pf.info(pf.article(article_id))
    if as_record:
        click.echo(json.dumps(info.record(), ensure_ascii=False))
        return
    if as_json:
        _json_out(info)
        return
    for key, value in info.text_fields(pf.config.site.tz).items():
        click.echo(f"{key:>15}: {value}")
    for line in info.story_lines():
        click.echo(f"{'story':>15}: {line}")
    for line in info.upstream_lines(pf.config.site.tz):
        click.echo(f"{'upstream':>15}: {line}")
    click.echo(f"\n{info.stored.article.body_html}")


@articles.command("revert")
@click.argument("article_id")
@pass_env
def articles_revert(env: Env, article_id: str) -> None:
    """Drop an editor's local edit of an ingested release for the version its agency changed it to since.

    A local edit is kept when upstream changes the release (the run says so once; `sources check` and
    `articles show` keep saying so). This takes upstream's version, dated now.

    \b
    Example:
      pressfeed articles revert tag:example-portal.kr,2025:source/msit/cba8385cc07ae23e5976
    """
    with env.pressfeed() as pf, pf.locked(wait=EDITOR_WAIT):
        stored, seen = pf.revert(article_id)
    when = seen.astimezone(pf.config.site.tz).isoformat()
    env.say(f"{stored.article.id}: upstream's version (changed at {when}) taken, the local edit dropped; {FEEDS_LATER}")


def _status_said(stored: StoredArticle, was: Status) -> str:
    """What an editor's status command did: the new status, or that the article had it already."""
    if stored.article.status is was:
        return f"{stored.article.id}: {was} already; nothing changed"
    return f"{stored.article.id}: {stored.article.status}; {FEEDS_LATER}"


def _status_command(name: str, status: Status, doc: str) -> Callable[..., None]:
    @articles.command(name, help=doc)
    @click.argument("article_id")
    @pass_env
    def command(env: Env, article_id: str) -> None:
        # a running ingest must not undo the change; wait a little for one to finish
        with env.pressfeed() as pf, pf.locked(wait=EDITOR_WAIT):
            was = pf.article(article_id).article.status
            stored = pf.set_status(article_id, status)
        env.say(_status_said(stored, was))

    return command


_status_command(
    "hide",
    Status.HIDDEN,
    "Hide an article from every feed. Re-imports and re-fetches keep it hidden\n"
    "until its source itself changes its status.\n\n"
    "\b\nExample:\n  pressfeed articles hide 20251108-0001",
)


@articles.command("publish")
@click.argument("article_id")
@click.option(
    "--keep-both",
    is_flag=True,
    help="For a release a newsroom article supersedes: publish it beside that article all the same.",
)
@pass_env
def articles_publish(env: Env, article_id: str, keep_both: bool) -> None:
    """Publish a draft or hidden article.

    A release that a newsroom article supersedes stays out of the feeds while
    that article is in them; --keep-both publishes it beside the article on
    purpose (the article then keeps its own guid).

    \b
    Examples:
      pressfeed articles publish 20251106-0009
      pressfeed articles publish tag:example-portal.kr,2025:source/msit/9cf69db8a13f2eb1a84d --keep-both
    """
    with env.pressfeed() as pf, pf.locked(wait=EDITOR_WAIT):
        was = pf.article(article_id).article.status
        stored, kept_out_by = pf.publish(article_id, keep_both=keep_both)
    if keep_both:  # a change even to a published release: it now stands beside its newsroom article
        env.say(f"{stored.article.id}: {stored.article.status} (kept beside its newsroom article); {FEEDS_LATER}")
    else:
        env.say(_status_said(stored, was))
    if kept_out_by is not None:
        env.tell(
            f"{stored.article.id} stays out of the feeds while {kept_out_by}, which supersedes it, is in them: "
            f"`pressfeed articles publish --keep-both {stored.article.id}` publishes both",
            shown=not env.quiet,
            fg="yellow",
        )


@articles.command("delete")
@click.argument("article_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_env
def articles_delete(env: Env, article_id: str, yes: bool) -> None:
    """Delete an article; a tombstone keeps imports and ingest from bringing it back.

    \b
    Example:
      pressfeed articles delete 20251101-0011 --yes
    """
    with env.pressfeed() as pf:
        try:
            stored = pf.article(article_id)
        except ArticleNotFoundError as exc:
            if not exc.deleted:
                raise
            env.say(f"{article_id}: deleted already; nothing changed")
            return
        if not yes and not _confirmed(f"delete {stored.article.id} ({stored.article.title})?"):
            raise UsageError(f"{stored.article.id} not deleted: answer y, or pass --yes")
        with pf.locked(wait=EDITOR_WAIT):
            pf.delete(stored.article.id)
    env.say(f"deleted {stored.article.id}; {FEEDS_LATER}")


def _confirmed(question: str) -> bool:
    """The answer to a y/N question on stderr; no answer (end of input, Ctrl-C) is no."""
    try:
        answer = click.confirm(question, err=True)
    except click.Abort:
        answer = False
        click.echo(err=True)
    else:
        if not sys.stdin.isatty():  # a piped answer is not echoed: end the prompt's line
            click.echo(err=True)
    return answer


@cli.command()
@json_option
@pass_env
def sections(env: Env, as_json: bool) -> None:
    """List configured sections with their aliases and feed URLs.

    \b
    Example:
      pressfeed sections --json
    """
    from .publish import feed_specs

    with env.pressfeed(read_only=True) as pf:
        config = pf.config
        urls = {spec.key: spec.rss_url for spec in feed_specs(config)}
        rows = [
            {"slug": s.slug, "title": s.title, "aliases": list(s.aliases), "rss": urls[s.slug]} for s in config.sections
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        aliases = ", ".join(row["aliases"]) or "-"
        click.echo(f"{row['slug']:<14} {row['title']:<10} aliases: {aliases}\n{'':<14} {row['rss']}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port (0: any free one).")
@pass_env
def serve(env: Env, host: str, port: int) -> None:
    """Serve output.dir over HTTP as readers will fetch it, to preview feeds and pages.

    Feed media types, ETag/Last-Modified (304s), gzip and the section pages at
    /SECTION/, as the README's nginx example serves them; Ctrl-C stops it.

    \b
    Example:
      pressfeed serve --port 8000   # then open http://127.0.0.1:8000/
    """
    from .config import load_config
    from .serve import serve as serve_dir

    with _errors(env):
        root = load_config(env.site, env.config).output.dir
        if env.quiet:
            logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log
        serve_dir(root, host, port, ready=lambda url: env.say(f"serving {root} at {url} (Ctrl-C to stop)"))


@cli.group("store")
def store_group() -> None:
    """Move the site's store between backends (SQLite, PostgreSQL).

    \b
    Example:
      pressfeed store copy --to postgresql://pressfeed@db.example.kr/portal
    """


@store_group.command("copy")
@click.option("--to", "to_url", metavar="URL", help="Copy the site's store (store.url) into a new store here.")
@click.option("--from", "from_url", metavar="URL", help="Copy the store here into the site's store, which must be new.")
@pass_env
def store_copy(env: Env, to_url: str | None, from_url: str | None) -> None:
    """Copy a whole store: articles, tombstones, dedupe keys, fetch and build state.

    URL is sqlite:///absolute/file.db, sqlite:relative/file.db (or a plain
    file path; relative to the current directory) or
    postgresql://user@host:port/dbname. The target must hold no data yet; the
    copy is one transaction, from one consistent snapshot, under both stores'
    run locks. Then point store.url (or PRESSFEED_STORE_URL) at the copy: feeds
    built from it are byte-identical.

    \b
    Examples:
      pressfeed store copy --to postgresql://pressfeed@db.example.kr/portal
      pressfeed store copy --from .pressfeed/pressfeed.db   # into the configured (PostgreSQL) store
    """
    from contextlib import ExitStack

    from .config import served_publicly
    from .store import copy_store, open_store
    from .store import url as store_url

    if to_url is not None and from_url is not None:
        env.fail("give --to URL or --from URL, not both (the site's store is the other side)", ExitCode.USAGE)
    if to_url is None and from_url is None:
        env.fail("give --to URL or --from URL (the site's store is the other side)", ExitCode.USAGE)
    with env.pressfeed() as pf, _errors(env), ExitStack() as stack:
        stack.enter_context(pf.locked(wait=EDITOR_WAIT))
        other_url = _url_argument(to_url or from_url or "")
        if _same_store(other_url, pf.config.store_url):
            raise UsageError(f"{other_url} is the site's own store; name another one")
        copy_path = store_url.sqlite_path(other_url)
        if to_url and copy_path is not None and served_publicly(pf.config, copy_path):
            raise UsageError(
                f"{copy_path} is inside output.dir {pf.config.output.dir}, which is served publicly: the copy, "
                "with its drafts and embargoed releases, would be too; copy it to another folder"
            )
        other = open_store(other_url, create=to_url is not None)
        stack.callback(other.close)
        if _same_schema(pf.store, other):  # a URL spelled another way, whose lock would be waited on as another's
            raise UsageError(f"{store_url.redact(other_url)} is the site's own store; name another one")
        # a PostgreSQL site holds its own lock file, .pressfeed/pressfeed.lock, which a SQLite file beside it shares
        held = _lock_file(pf.store) if pf.store.local else os.path.realpath(pf.site_lock_file)
        if _lock_file(other) is None or _lock_file(other) != held:  # one we hold already
            stack.enter_context(other.lock(EDITOR_WAIT))
        source, target = (pf.store, other) if to_url else (other, pf.store)
        counts = copy_store(source, target)
    env.say(
        f"copied {counts['article']} articles, {counts['tombstone']} tombstones, {counts['dedupe_key']} dedupe keys, "
        f"{counts['source_state']} source states, {counts['feed_file']} feed file states"
        f"\n  from {source.location}\n  to   {target.location}"
    )
    if to_url:  # the URL as the config needs it, but never a password echoed into a log
        shown = other_url if store_url.sqlite_path(other_url) else store_url.redact(other_url)
        env.say(f"to use the copy, set store.url (or PRESSFEED_STORE_URL) to {shown}")


def _same_store(url: str, other: str) -> bool:
    """Whether two resolved store URLs name one store (a SQLite file however its path is spelled)."""
    from .store.url import sqlite_path

    path, other_path = sqlite_path(url), sqlite_path(other)
    if path is None or other_path is None:
        return url == other
    return os.path.realpath(path) == os.path.realpath(other_path)


def _same_schema(store: Store, other: Store) -> bool:
    """Whether two open PostgreSQL stores work in one schema (no SQLite store does: see :func:`_same_store`)."""
    if store.local or other.local:
        return False
    from .store.postgres import PostgresStore  # (psycopg is there: both stores are open)

    return isinstance(store, PostgresStore) and isinstance(other, PostgresStore) and store.same_schema(other)


def _lock_file(store: Store) -> str | None:
    """The file of a SQLite store's run lock, however its path is spelled; None for other stores."""
    from .store.sqlite import SQLiteStore

    return os.path.realpath(store.lock_file) if isinstance(store, SQLiteStore) else None


def _url_argument(text: str) -> str:
    """A store URL from the command line: relative SQLite paths (or plain paths) from the current directory."""
    from .store import url as store_url

    if store_url.backend_or_none(text) is None and "://" not in text:
        text = f"sqlite:{text}"  # a plain path
    try:
        return store_url.resolve(text, Path.cwd())
    except store_url.StoreURLError as exc:
        raise UsageError(str(exc)) from None


@cli.command()
@json_option
@pass_env
def check(env: Env, as_json: bool) -> None:
    """Validate the config and say what would be built, without writing anything.

    \b
    Example:
      pressfeed check && pressfeed run
    """
    with env.pressfeed(read_only=True) as pf:
        plan = pf.plan()
    if as_json:
        _json_out(plan)
    else:
        for line in plan.lines():
            env.say(line)  # (-q: nothing on success, as for every command; a broken config still says why)
    if plan.problems:  # what the next run would fail on, as it would (exit 1)
        for problem in plan.problems:
            env.tell(f"error: {problem}", fg="red")
        sys.exit(ExitCode.PARTIAL)


def main() -> None:
    _stop_on_signals()
    try:
        cli(prog_name="pressfeed")
    finally:
        # The process ends here. Frozen, the objects alive now (the modules' classes and functions, mostly) are
        # left out of the collections the interpreter runs as it exits: ~12 ms of a ~90 ms cron run with nothing
        # to do. The command has closed what needs closing (the store, the worker pools); atexit still runs.
        gc.freeze()


def _stop_on_signals() -> None:
    """SIGTERM and SIGHUP stop a command as Ctrl-C does (errors.Interrupted, pressfeed.stops): the default ends
    the process where it stands, with no word of why, a worker pool's semaphores reported leaked, the run log
    unclosed."""
    from . import stops

    stops.install()
