"""The measured work, one task per child process: set up untimed, then time one region.

    python -m bench.tasks NAME PARAMS_JSON RESULT_FILE [PROFILE_DIR]

A task's setup (imports, opening the store, deleting a previous run's output)
is not measured; its work function is. The child writes what it measured to
RESULT_FILE: the region's wall time, the CPU it used outside the region (setup
before it; counting, profile dumping after it: the parent subtracts it from the
tree's CPU), its own VmHWM, and the task's counts
(which the parent checks, so a figure never times work that did not happen).
Then it leaves with ``os._exit``: no interpreter teardown is counted.

Pressfeed's tasks call the library (or the CLI in-process) with worker pools
enabled as the ``pressfeed`` command enables them.
"""

from __future__ import annotations

import cProfile
import gc
import importlib
import io
import json
import os
import pstats
import resource
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path
from typing import Any

Report = dict[str, Any]
#: work returns its counts, or a function computing them after the clock stopped
Outcome = Report | Callable[[], Report]
Work = Callable[[], Outcome]
TASKS: dict[str, Callable[[dict[str, Any]], Work]] = {}


def task(name: str) -> Callable[[Callable[[dict[str, Any]], Work]], Callable[[dict[str, Any]], Work]]:
    def register(setup: Callable[[dict[str, Any]], Work]) -> Callable[[dict[str, Any]], Work]:
        TASKS[name] = setup
        return setup

    return register


def fresh_store(site: Path) -> None:
    """Remove the site's store so the next run starts empty: its SQLite file (and WAL), or its PostgreSQL tables."""
    from pressfeed.config import load_config

    url = load_config(site, site / "feeds" / "pressfeed.yaml").store_url
    if url.startswith("postgresql:"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{site}/.pressfeed/pressfeed.db{suffix}").unlink(missing_ok=True)


# -- build -------------------------------------------------------------------------------------


@task("build-floor")
def build_floor_task(p: dict[str, Any]) -> Work:
    from pressfeed.config import load_config
    from pressfeed.model import utc_text
    from pressfeed.publish.build import feed_specs

    from . import data, floors

    site, out = Path(p["site"]), Path(p["out"])
    config = load_config(site, site / "feeds" / "pressfeed.yaml")
    specs = feed_specs(config)
    shutil.rmtree(out, ignore_errors=True)
    now, limit = utc_text(data.NOW), config.output.items_per_feed
    return lambda: {"files": floors.build_floor(config.store_path, specs, now, limit, out)}


@task("build")
def build_task(p: dict[str, Any]) -> Work:
    # the renderers load with the first render; the floor's feedgen and json load before its timed
    # region: both sides' libraries are imported untimed
    from pressfeed.core import Pressfeed
    from pressfeed.publish import feeds, jsonfeed, pages  # noqa: F401

    from . import data

    out = Path(p["out"])
    opened = data.open_site(Path(p["site"]))
    config = replace(opened.config, output=replace(opened.config.output, dir=out))
    pf = Pressfeed(config, store=opened.store, clock=data.CLOCK, auto_workers=True)
    shutil.rmtree(out, ignore_errors=True)

    def work() -> Report:
        return {"files": len(pf.build(force=True).written)}

    return work


@task("build-steady")
def build_steady_task(p: dict[str, Any]) -> Work:
    """A no-op build, or an incremental one after one new article; the site is brought up to date first."""
    from pressfeed.publish import feeds, jsonfeed, pages  # noqa: F401 -- as in build_task

    from . import data

    site = Path(p["site"])
    pf = data.open_site(site)
    pf.build()
    section = ""
    if p["kind"] == "incremental":
        section = data.add_new_article(pf, site.name, data.Corpus()).section

    def work() -> Report:
        return {"written": sorted(pf.build().written), "section": section}

    return work


@task("build-naive")
def build_naive_task(p: dict[str, Any]) -> Work:
    from . import data, floors

    pf = data.open_site(Path(p["site"]))
    out = Path(p["out"])
    return lambda: {"files": floors.naive_build(pf, out)}


# -- CMS import --------------------------------------------------------------------------------


@task("import-floor")
def import_floor_task(p: dict[str, Any]) -> Work:
    from . import floors

    path = Path(p["path"])
    return lambda: {"records": floors.import_floor(path)}


@task("import")
def import_task(p: dict[str, Any]) -> Work:
    from . import data

    site = Path(p["site"])
    fresh_store(site)
    pf = data.open_site(site)

    def work() -> Report:
        created = pf.import_files([p["path"]]).created
        # a count; pressfeed before issue 15 returned the ids (kept, to measure it with this harness)
        return {"created": created if isinstance(created, int) else len(created)}

    return work


# -- ingest ------------------------------------------------------------------------------------


@task("ingest-floor")
def ingest_floor_task(p: dict[str, Any]) -> Work:
    from . import floors

    paths = sorted(Path(p["dir"]).glob("*.xml"))
    return lambda: {"entries": floors.ingest_floor(paths)}


@task("ingest")
def ingest_task(p: dict[str, Any]) -> Work:
    """pressfeed's ingest of every configured source; `fresh` starts from an empty store."""
    # the ingest modules (the HTTP stack, the event loop, the pipeline) load with the first source
    # to fetch; the floor's feedparser and nh3, and reader's modules, load before their timed
    # regions: every side's libraries are imported untimed (the workers' start-up is still timed)
    import pressfeed.ingest.jobs
    import pressfeed.ingest.pipeline
    import pressfeed.ingest.update  # noqa: F401

    from . import data

    site = Path(p["site"])
    if p["fresh"]:
        fresh_store(site)
    pf = data.open_site(site)

    def work() -> Report:
        result = pf.ingest()
        return {
            "new": sum(len(r.new) for r in result.reports),
            "not_modified": sum(r.outcome == "not-modified" for r in result.reports),
            "ok": result.ok,
            "failures": result.failure_lines()[:5],
        }

    return work


@task("reader")
def reader_task(p: dict[str, Any]) -> Work:
    """lemon24/reader updating the same feeds: ``update_feeds(workers=N, scheduled=False)``.

    reader as it is installed on its own: its vendored feedparser detects every document's
    encoding with chardet when chardet can be imported (4× slower parsing here), and chardet is
    not one of reader's dependencies: it is in this environment only for pressfeed's
    readability-lxml. So this process hides it.
    """
    sys.modules["cchardet"] = sys.modules["chardet"] = None  # type: ignore[assignment]
    from reader import make_reader

    # its parser and HTTP stack (requests, its vendored feedparser) load with the first update: here,
    # untimed, as pressfeed's are in the ingest task
    for module in ("reader._parser.feedparser", "reader._parser.http", "reader._parser.jsonfeed"):
        importlib.import_module(module)

    db = Path(p["db"])
    if p["fresh"]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    reader = make_reader(str(db))
    if p["fresh"]:
        for url in p["urls"]:
            reader.add_feed(url)

    def work() -> Outcome:
        reader.update_feeds(workers=p["workers"], scheduled=False)
        return lambda: {"entries": reader.get_entry_counts().total, "broken": reader.get_feed_counts().broken}

    return work


# -- the CLI, in-process -----------------------------------------------------------------------


@task("cli")
def cli_task(p: dict[str, Any]) -> Work:
    """One pressfeed command through the CLI's own entry (click), output to /dev/null."""
    from pressfeed.cli import cli

    args = list(p["args"])

    def work() -> Report:
        code = 0
        with open(os.devnull, "w", encoding="utf-8") as sink, redirect_stdout(sink):
            try:
                cli.main(args=args, prog_name="pressfeed", standalone_mode=False)
            except SystemExit as exc:  # a verdict, such as `sources check` finding a source unhealthy
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        return {"exit": code}

    work()  # once untimed: the modules a command imports lazily are loaded, as in any later call
    return work


# -- the child's main ----------------------------------------------------------------------------


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def vmhwm_kib() -> int:
    """This process's RSS high-water mark; VmHWM starts afresh at exec, unlike ru_maxrss."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str]) -> None:
    name, params, result_path = argv[0], json.loads(argv[1]), Path(argv[2])
    profile_dir = Path(argv[3]) if len(argv) > 3 else None
    work = TASKS[name](params)
    profiler = cProfile.Profile() if profile_dir is not None else None
    gc.collect()
    cpu_before = self_cpu()
    start = time.perf_counter()
    outcome = work() if profiler is None else profiler.runcall(work)
    wall = time.perf_counter() - start
    cpu_after = self_cpu()
    report = outcome() if callable(outcome) else outcome
    if profiler is not None and profile_dir is not None:
        profile_dir.mkdir(parents=True, exist_ok=True)
        stem = profile_dir / params.get("label", name)
        profiler.dump_stats(f"{stem}.prof")
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(50)
        Path(f"{stem}.txt").write_text(text.getvalue(), encoding="utf-8")
    # what this process spent outside the region, before and after it: the parent leaves it out of the tree's CPU
    report.update(wall=wall, cpu_outside=cpu_before + self_cpu() - cpu_after, vmhwm_kib=vmhwm_kib())
    result_path.write_text(json.dumps(report), encoding="utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no teardown: the parent counts the tree's CPU up to our exit


if __name__ == "__main__":
    main(sys.argv[1:])
