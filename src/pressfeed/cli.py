"""The `pressfeed` command: a thin click layer over :class:`pressfeed.core.Pressfeed`.

Exit codes: 0 ok, 1 partial failure (some source or file failed, the rest went
on), 2 usage/config/input error (nothing written), 75 another run holds the lock.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .errors import PressfeedError
from .model import Status, article_to_dict
from .scaffold import init_site

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


@dataclass
class Env:
    site: Path
    config: Path | None
    verbose: int
    quiet: bool

    @contextmanager
    def pressfeed(self) -> Iterator[Any]:
        from .core import Pressfeed

        with _errors():
            pf = Pressfeed.open(self.site, self.config)
        try:
            with _errors():
                yield pf
        finally:
            pf.close()

    def say(self, text: str) -> None:
        if not self.quiet:
            click.echo(text)


def _fail(message: str, code: int) -> NoReturn:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Our errors become a message and their exit code; anything else is a bug and shows its traceback."""
    try:
        yield
    except PressfeedError as exc:
        _fail(str(exc), exc.exit_code)


def _json_out(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


pass_env = click.make_pass_decorator(Env)
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success (for cron).")
@click.version_option(__version__, prog_name="pressfeed")
@click.pass_context
def cli(ctx: click.Context, site: Path, config: Path | None, verbose: int, quiet: bool) -> None:
    """pressfeed: news articles in, per-section RSS/Atom/JSON feeds out.

    \b
    Examples:
      pressfeed run                      # import, ingest and build the site here
      pressfeed --site /srv/portal -q run  # the same from cron, silent on success
      pressfeed articles list --section IT/과학
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.obj = Env(site=site, config=config, verbose=verbose, quiet=quiet)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--force", is_flag=True, help="Overwrite an existing config.")
@pass_env
def init(env: Env, directory: Path | None, force: bool) -> None:
    """Create a working site: config, one sample article, .gitignore.

    \b
    Example:
      pressfeed init /srv/portal && pressfeed --site /srv/portal run
    """
    with _errors():
        created = init_site(directory or env.site, force=force)
    for path in created:
        env.say(f"created {path}")


@cli.command("import")
@click.argument("files", nargs=-1, required=True)
@json_option
@pass_env
def import_(env: Env, files: tuple[str, ...], as_json: bool) -> None:
    """Import CMS export files (JSON, JSON Lines, YAML; - for stdin).

    Upserts by id: an unchanged record changes nothing. A file with any invalid
    record imports nothing and every problem is listed as file:line: field: problem.

    \b
    Example:
      pressfeed import feeds/articles/*.yaml
      cms-export --since yesterday | pressfeed import -
    """
    with env.pressfeed() as pf, pf.locked():
        result = pf.import_files(files)
    if as_json:
        _json_out(
            {
                "created": list(result.created),
                "updated": list(result.updated),
                "unchanged": result.unchanged,
                "files": result.files,
            }
        )
    else:
        env.say(result.summary())


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
        _json_out(
            {"written": list(result.written), "unchanged": len(result.unchanged), "removed": list(result.removed)}
        )
    else:
        env.say(result.summary())


@cli.command()
@json_option
@pass_env
def run(env: Env, as_json: bool) -> None:
    """The cron job: import configured files, ingest sources, build feeds.

    Takes a lock: an overlapping run exits at once with code 75. Exit 1 when a
    source or an import file failed (the rest was still ingested and built).

    \b
    Example (crontab, every 5 minutes):
      */5 * * * * pressfeed --site /srv/portal -q run
    """
    with env.pressfeed() as pf:
        result = pf.run()
    if as_json:
        _json_out(result.to_json())
    else:
        for line in result.lines():
            env.say(line)
        for failure in result.failure_lines():
            click.secho(failure, fg="red", err=True)
    if not result.ok:
        sys.exit(EXIT_PARTIAL)


@cli.group()
def articles() -> None:
    """List, show, hide and publish stored articles.

    \b
    Example:
      pressfeed articles list --section 정치 --limit 5
    """


_STATUS = click.Choice([s.value for s in Status])


@articles.command("list")
@click.option("--section", help="Section slug, title or alias (e.g. it-science or IT/과학).")
@click.option("--status", type=_STATUS, help="Only articles with this status.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@json_option
@pass_env
def articles_list(env: Env, section: str | None, status: str | None, limit: int, as_json: bool) -> None:
    """Newest articles first.

    \b
    Example:
      pressfeed articles list --status draft --json
    """
    with env.pressfeed() as pf:
        items = pf.articles(section=section, status=Status(status) if status else None, limit=limit)
    if as_json:
        _json_out([{**article_to_dict(s.article), "origin": s.origin} for s in items])
        return
    tz = pf.config.site.tz
    for stored in items:
        a = stored.article
        click.echo(
            f"{a.published.astimezone(tz):%Y-%m-%d %H:%M}  {a.status:<9}  {a.section:<12}  {a.id}\n    {a.title}"
        )


@articles.command("show")
@click.argument("article_id")
@json_option
@pass_env
def articles_show(env: Env, article_id: str, as_json: bool) -> None:
    """Show one article (a full id, or a CMS number such as 20251108-0001).

    \b
    Example:
      pressfeed articles show 20251108-0001
    """
    with env.pressfeed() as pf:
        stored = pf.article(article_id)
    data = {**article_to_dict(stored.article), "origin": stored.origin, "locally_edited": stored.locally_edited}
    if as_json:
        _json_out(data)
        return
    for key, value in data.items():
        if key != "body_html":
            click.echo(f"{key:>15}: {value}")
    click.echo(f"\n{stored.article.body_html}")


def _status_command(name: str, status: Status, doc: str) -> Callable[..., None]:
    @articles.command(name, help=doc)
    @click.argument("article_id")
    @pass_env
    def command(env: Env, article_id: str) -> None:
        with env.pressfeed() as pf:
            stored = pf.set_status(article_id, status)
        env.say(f"{stored.article.id}: {stored.article.status}")

    return command


_status_command(
    "hide",
    Status.HIDDEN,
    "Hide an article from every feed; ingest never brings it back.\n\n"
    "\b\nExample:\n  pressfeed articles hide 20251108-0001",
)
_status_command(
    "publish",
    Status.PUBLISHED,
    "Publish a draft or hidden article.\n\n\b\nExample:\n  pressfeed articles publish 20251106-0009",
)


@cli.command()
@json_option
@pass_env
def sections(env: Env, as_json: bool) -> None:
    """List configured sections with their aliases and feed URLs.

    \b
    Example:
      pressfeed sections --json
    """
    with env.pressfeed() as pf:
        config = pf.config
        rows = [
            {
                "slug": s.slug,
                "title": s.title,
                "aliases": list(s.aliases),
                "rss": f"{config.site.feed_url}{s.slug}/rss.xml",
            }
            for s in config.sections
        ]
    if as_json:
        _json_out(rows)
        return
    for row in rows:
        aliases = ", ".join(row["aliases"]) or "-"
        click.echo(f"{row['slug']:<14} {row['title']:<10} aliases: {aliases}\n{'':<14} {row['rss']}")


@cli.command()
@json_option
@pass_env
def check(env: Env, as_json: bool) -> None:
    """Validate the config and say what would be built, without writing anything.

    \b
    Example:
      pressfeed check && pressfeed run
    """
    from .config import load_config
    from .core import Pressfeed
    from .store import SQLiteStore

    with _errors():
        config = load_config(env.site, env.config)
        # an in-memory store when there is none yet: check writes nothing
        store = SQLiteStore(config.store_path if config.store_path.exists() else ":memory:")
        with Pressfeed(config, store) as pf:
            plan = pf.plan()
    if as_json:
        _json_out(plan)
        return
    click.echo(f"config ok: {plan['config']}")
    click.echo(f"store: {plan['store']} ({plan['articles']} articles)")
    click.echo(f"output: {plan['output']}")
    for feed in plan["feeds"]:
        click.echo(f"  {feed['title']}: {feed['items']} items -> {', '.join(feed['files'])}")
    for line in plan.get("sources", []):
        click.echo(f"  source {line}")


def main() -> None:
    cli(prog_name="pressfeed")
