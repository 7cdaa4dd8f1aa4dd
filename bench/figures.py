"""The figures: which work is measured against which floor, how often, and the target it must meet.

Every stage generates its data in this process, then measures through
``measure.run_task`` / ``measure.run_command`` (child processes), floor and
subject interleaved. A stage that crashes turns its figures into error rows.
"""

from __future__ import annotations

import importlib.util
import math
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import data
from .measure import Paired, Sample, cpu_of, median, run_command, run_task, wall_of
from .report import Row
from .server import FeedServer


@dataclass(frozen=True)
class Size:
    store: int  # N: the build store; the big store of the `articles list` rows unless huge_store
    small_store: int  # the 10k reference store of the scaling rows
    huge_store: int | None  # --size huge: a 1M store for the `articles list` rows
    records: int  # CMS import speed row
    memory_records: tuple[int, int]  # import peak memory: (smaller, larger)
    feeds: int  # agency feeds ingested (F)
    items: int  # items per feed
    latency: float  # seconds the HTTP server waits before answering
    reps: int  # repetitions of every pair

    @property
    def list_store(self) -> int:
        return self.huge_store or self.store

    def describe(self, name: str) -> str:
        stores = f"stores {self.small_store} / {self.store}" + (f" / {self.huge_store}" if self.huge_store else "")
        return (
            f"{name}: {stores} articles, import {self.records} records (memory {self.memory_records[0]} vs "
            f"{self.memory_records[1]}), ingest {self.feeds} feeds × {self.items} items, latency "
            f"{self.latency * 1000:.0f} ms, C={data.CONCURRENCY}, {self.reps} repetitions"
        )


SIZES = {
    "tiny": Size(500, 100, None, 300, (100, 300), 6, 5, 0.05, 1),
    "small": Size(10_000, 1_000, None, 10_000, (1_000, 10_000), 50, 30, 0.2, 3),
    "full": Size(100_000, 10_000, None, 100_000, (10_000, 100_000), 200, 30, 0.2, 5),
    "huge": Size(100_000, 10_000, 1_000_000, 100_000, (100_000, 1_000_000), 200, 30, 0.2, 5),
}
HOSTS = 50  # loopback hosts 127.0.0.2 … 127.0.0.51
FEEDS_BUILT = (len(data.SECTIONS) + 1) * 3  # every section's and the site's RSS, Atom and JSON
#: what a full build writes: those feeds, each feed's HTML page, and feeds.opml
FILES_BUILT = (len(data.SECTIONS) + 1) * 4 + 1
#: `articles list` filter combinations: every filter the command has, alone and together, and --json
LIST_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("no filter", ()),
    ("--section", ("--section", "it-science")),
    ("--status draft", ("--status", "draft")),
    ("--status published", ("--status", "published")),
    ("--section --status draft", ("--section", "it-science", "--status", "draft")),
    ("--json", ("--json",)),
)


class Bench:
    def __init__(self, size_name: str, size: Size, work: Path, profile: Path | None, single: bool) -> None:
        self.size_name, self.size, self.work, self.profile, self.single = size_name, size, work, profile, single
        self.rows: list[Row] = []
        self.errors: list[str] = []
        self.started = time.perf_counter()
        self.corpus = data.Corpus()
        self.stores: dict[int, Path] = {}
        #: the PostgreSQL server of the postgres stage (run.py starts it), or why there is none
        self.pg_server: Any = None
        self.pg_missing = "not started"

    def log(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.1f}s] {message}", file=sys.stderr, flush=True)

    # -- running ----------------------------------------------------------------------------

    def task(self, name: str, params: dict[str, Any], *, memory: bool = False) -> Callable[[], Sample]:
        return lambda: run_task(name, params, memory=memory)

    def interleave(self, sides: dict[str, Callable[[], Sample]], reps: int | None = None) -> dict[str, list[Sample]]:
        """`reps` rounds over every side; each round starts one side later, so drift hits all alike."""
        reps = reps or self.size.reps
        names = list(sides)
        out: dict[str, list[Sample]] = {name: [] for name in names}
        for rep in range(reps):
            self.log(f"  repetition {rep + 1}/{reps}")
            shift = rep % len(names)
            for name in names[shift:] + names[:shift]:
                out[name].append(sides[name]())
        return out

    def profiled(self, name: str, params: dict[str, Any]) -> None:
        """One more, unmeasured run of a pressfeed task under cProfile (--profile)."""
        if self.profile is not None:
            run_task(name, params, profile=self.profile)

    # -- rows ------------------------------------------------------------------------------------

    def ratio_row(
        self,
        figure: str,
        unit: str,
        pair: Paired,
        metric: Callable[[Sample], float | None],
        limit: float | None,
        target: str,
        note: str = "",
        scale: float = 1.0,
    ) -> Row:
        values = [v for v in map(metric, pair.subject) if v is not None]
        floors = [v for v in map(metric, pair.floor) if v is not None]
        ratios = pair.ratios(metric)
        ratio = median(ratios) if ratios else None
        row = Row(
            figure,
            median(values) * scale if values else None,
            unit,
            median(floors) * scale if floors else None,
            ratio,
            target,
            limit is None or (ratio is not None and ratio <= limit),
            note,
            min(ratios) if ratios else None,
            len(ratios),
        )
        self.rows.append(row)
        return row

    def value_row(
        self,
        figure: str,
        value: float | None,
        unit: str,
        limit: float,
        target: str,
        note: str = "",
        *,
        exact: bool = False,
    ) -> None:
        met = value is not None and (value == limit if exact else value <= limit)
        self.rows.append(Row(figure, value, unit, None, None, target, met, note, None, self.size.reps))

    def missing(self, figures: Sequence[tuple[str, str]], why: str) -> None:
        for figure, unit in figures:
            self.rows.append(Row(figure, None, unit, None, None, "", False, why))

    def stage(self, name: str, figures: Sequence[tuple[str, str]], fn: Callable[[], None]) -> None:
        """Run one stage; a crash becomes error rows for its figures (and exit code 1)."""
        try:
            fn()
        except Exception as exc:
            traceback.print_exc()
            self.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            done = {r.figure for r in self.rows}
            self.missing([f for f in figures if f[0] not in done], f"ERROR in {name}: {exc}")

    # -- data ---------------------------------------------------------------------------------

    def store(self, count: int) -> Path:
        """A site whose store holds `count` generated articles (made once per run)."""
        if count not in self.stores:
            root = data.make_site(self.work / f"store-{count}")
            self.log(f"filling a {count}-article store")
            pf = data.open_site(root)
            data.fill_store(pf, count, self.corpus)
            pf.close()
            self.stores[count] = root
        return self.stores[count]


def pair(sides: dict[str, list[Sample]], floor: str, subject: str) -> Paired:
    return Paired(sides[floor], sides[subject])


def check(samples: Sequence[Sample], what: str, ok: Callable[[dict[str, Any]], bool]) -> None:
    for sample in samples:
        if not ok(sample.report):
            raise RuntimeError(f"{what}: unexpected result {sample.report}")


def tree_peak(sample: Sample) -> float | None:
    return sample.tree_peak_mb if sample.tree_peak_mb is not None else sample.peak_mb


# -- build ---------------------------------------------------------------------------------------

BUILD_FIGURES = (
    ("full build", "s"),
    ("full build CPU", "s"),
    ("peak memory (full build)", "MB"),
    ("no-op rebuild", "ms"),
    ("no-op rebuild files written", "files"),
    ("incremental build", "ms"),
    ("incremental build files written", "files"),
    ("naive full build", "s"),
    ("naive no-op", "s"),
    ("naive incremental", "s"),
)


def build_stage(bench: Bench) -> None:
    size = bench.size
    big, small = bench.store(size.store), bench.store(size.small_store)
    out = bench.work / "build-out"

    bench.log(f"full build: fair floor vs build(force=True), N={size.store}")
    sides = bench.interleave(
        {
            "floor": bench.task("build-floor", {"site": str(big), "out": str(out / "floor")}),
            "pressfeed": bench.task("build", {"site": str(big), "out": str(out / "pressfeed")}),
        }
    )
    check(sides["floor"], "build floor", lambda r: r["files"] == FILES_BUILT)
    check(sides["pressfeed"], "build", lambda r: r["files"] == FILES_BUILT)
    full = pair(sides, "floor", "pressfeed")
    bench.profiled("build", {"site": str(big), "out": str(out / "pressfeed"), "label": "build"})
    note = (
        f"N={size.store}; {FEEDS_BUILT} feeds of {data.ITEMS_PER_FEED} items, a page per feed and the OPML "
        f"({FILES_BUILT} files); both load their items from the store, render with feedgen + json and fsync "
        "on 8 threads, then rename"
    )
    bench.ratio_row("full build", "s", full, wall_of, 1.3, "≤ 1.3× floor", note)
    bench.ratio_row("full build CPU", "s", full, cpu_of, None, "info", "process CPU of the same runs")
    peaks = [s.peak_mb for s in full.subject if s.peak_mb is not None]
    bench.value_row(
        "peak memory (full build)",
        median(peaks),
        "MB",
        200,
        "≤ 200 MB",
        f"VmHWM of the building process; the floor's: {median([s.peak_mb or 0 for s in full.floor]):.0f} MB",
    )

    bench.log(f"no-op and incremental builds, N={size.store} vs N/10={size.small_store}")
    steady = bench.interleave(
        {
            f"{kind}-{n}": bench.task("build-steady", {"site": str(site), "kind": kind})
            for kind in ("noop", "incremental")
            for n, site in ((size.store, big), (size.small_store, small))
        }
    )
    noop = pair(steady, f"noop-{size.small_store}", f"noop-{size.store}")
    inc = pair(steady, f"incremental-{size.small_store}", f"incremental-{size.store}")
    scaling = f"N={size.store} vs N/10={size.small_store}"
    bench.ratio_row("no-op rebuild", "ms", noop, wall_of, 1.3, "≤ 1.3× (N vs N/10)", scaling, scale=1000)
    written = [len(s.report["written"]) for s in noop.subject + noop.floor]
    bench.value_row("no-op rebuild files written", max(written), "files", 0, "= 0", f"per run: {written}", exact=True)
    bench.ratio_row("incremental build", "ms", inc, wall_of, 1.3, "≤ 1.3× (N vs N/10)", scaling, scale=1000)
    exact = [set(s.report["written"]) == incremental_files(s.report["section"]) for s in inc.subject + inc.floor]
    counts = [len(s.report["written"]) for s in inc.subject + inc.floor]
    bench.rows.append(
        Row(
            "incremental build files written",
            8 if all(exact) else max(counts, key=lambda c: abs(c - 8)),
            "files",
            None,
            None,
            "= 8 (its section's 3 feeds and page + the site's)",
            all(exact),
            f"per run: {counts}" + ("" if all(exact) else " (not exactly those files)"),
            None,
            len(counts),
        )
    )

    bench.log(f"naive rebuild (load every article, render and write everything), N={size.store}")
    naive_sides = bench.interleave(
        {
            "naive": bench.task("build-naive", {"site": str(big), "out": str(out / "naive")}),
            "pressfeed": bench.task("build", {"site": str(big), "out": str(out / "pressfeed")}),
        }
    )
    naive = pair(naive_sides, "naive", "pressfeed")
    bench.ratio_row("naive full build", "s", naive, wall_of, 1.0, "≤ 1.0× naive", "pressfeed build(force=True) / naive")
    naive_time = median([s.wall for s in naive.floor])
    for figure, samples in (("naive no-op", noop.subject), ("naive incremental", inc.subject)):
        value = median([s.wall for s in samples])
        ratios = [s.wall / naive_time for s in samples]
        bench.rows.append(
            Row(
                figure,
                value,
                "s",
                naive_time,
                median(ratios),
                "≤ 0.1× naive",
                median(ratios) <= 0.1,
                "pressfeed at N / the naive rebuild's median",
                min(ratios),
                len(ratios),
            )
        )


def incremental_files(section: str) -> set[str]:
    """Its section's feed and page, and the site's: the three formats and the HTML page of each."""
    names = ("rss.xml", "atom.xml", "feed.json", "index.html")
    return {f"{section}/{name}" for name in names} | set(names)


# -- CMS import ---------------------------------------------------------------------------------

IMPORT_FIGURES = (
    ("CMS import", "s"),
    ("CMS import CPU", "s"),
    ("import peak memory", "MB"),
    ("import peak memory scaling", "MB"),
)


def import_stage(bench: Bench) -> None:
    size = bench.size
    counts = sorted({size.records, *size.memory_records})
    exports: dict[int, Path] = {}
    for count in counts:
        exports[count] = bench.work / "exports" / f"export-{count}.jsonl"
        bench.log(f"CMS import: writing {count} JSON Lines records")
        data.write_records(exports[count], count, bench.corpus)
    site = data.make_site(bench.work / "import")

    def pressfeed(count: int) -> Callable[[], Sample]:
        return bench.task("import", {"site": str(site), "path": str(exports[count])}, memory=True)

    sides_spec = {"floor": bench.task("import-floor", {"path": str(exports[size.records])})}
    sides_spec.update({str(count): pressfeed(count) for count in counts})
    bench.log(f"CMS import: floor (json.loads + nh3.clean) vs import_files, {counts} records")
    sides = bench.interleave(sides_spec)
    check(sides["floor"], "import floor", lambda r: r["records"] == size.records)
    for count in counts:
        check(sides[str(count)], f"import of {count}", lambda r, count=count: r["created"] == count)
    bench.profiled("import", {"site": str(site), "path": str(exports[size.records]), "label": "import"})
    speed = pair(sides, "floor", str(size.records))
    mb = exports[size.records].stat().st_size / 1e6
    note = f"M={size.records} records ({mb:.0f} MB JSON Lines); floor = json.loads + nh3.clean(body)"
    bench.ratio_row("CMS import", "s", speed, wall_of, 3.0, "≤ 3× floor", note)
    tree = "CPU over the process tree, workers included"
    bench.ratio_row("CMS import CPU", "s", speed, cpu_of, 4.0, "≤ 4× floor", tree)

    small, large = size.memory_records
    memory = pair(sides, str(small), str(large))
    kind = "sampled PSS of the process tree" if memory.subject[0].tree_peak_mb is not None else "VmHWM (no psutil)"
    main_peak = median([s.peak_mb or 0 for s in memory.subject])
    bench.value_row(
        "import peak memory",
        median([tree_peak(s) or 0 for s in memory.subject]),
        "MB",
        200,
        "≤ 200 MB",
        f"{large} records, {kind}; the main process's VmHWM {main_peak:.0f} MB",
    )
    bench.ratio_row(
        "import peak memory scaling",
        "MB",
        memory,
        tree_peak,
        1.2,
        f"≤ 1.2× ({large} vs {small})",
        f"value at {large} records, floor at {small}",
    )


# -- ingest from files -------------------------------------------------------------------------

INGEST_FIGURES = (("ingest CPU", "s"), ("ingest wall (files)", "s"))


def feed_bodies(bench: Bench) -> list[bytes]:
    return [data.agency_feed(i, bench.size.items, bench.corpus) for i in range(bench.size.feeds)]


def ingest_stage(bench: Bench) -> None:
    size = bench.size
    bodies = feed_bodies(bench)
    root = bench.work / "ingest-files"
    data.write_feed_files(root / "agencies", bodies)
    data.make_site(root, data.source_rows(size.feeds, lambda i: f"agencies/dept_{i:03d}.xml"))
    bench.log(f"ingest CPU: fair floor vs pressfeed ingest of {size.feeds} feed files")
    sides = bench.interleave(
        {
            "floor": bench.task("ingest-floor", {"dir": str(root / "agencies")}),
            "pressfeed": bench.task("ingest", {"site": str(root), "fresh": True}),
        }
    )
    entries = size.feeds * size.items
    check(sides["floor"], "ingest floor", lambda r: r["entries"] == entries)
    check(sides["pressfeed"], "ingest", lambda r: r["ok"] and r["new"] == entries)
    bench.profiled("ingest", {"site": str(root), "fresh": True, "label": "ingest-files"})
    ingest = pair(sides, "floor", "pressfeed")
    kb = sum(len(b) for b in bodies) / 1024
    note = (
        f"F={size.feeds} feeds × {size.items} items ({kb:.0f} KiB) from files, worker pool as the CLI runs it; "
        "floor = feedparser.parse with pressfeed's arguments + nh3.clean per entry"
    )
    bench.ratio_row("ingest CPU", "s", ingest, cpu_of, 1.3, "≤ 1.3× floor", note)
    bench.ratio_row("ingest wall (files)", "s", ingest, wall_of, None, "info", "the same runs' wall time")


# -- ingest over HTTP, and the peer --------------------------------------------------------------

HTTP_FIGURES = (
    ("ingest wall clock", "s"),
    ("re-ingest CPU", "s"),
    ("re-ingest wall clock", "s"),
    ("peer: first pass wall", "s"),
    ("peer: first pass CPU", "s"),
    ("peer: all-304 pass wall", "s"),
    ("peer: all-304 pass CPU", "s"),
)


def reader_available() -> bool:
    return importlib.util.find_spec("reader") is not None


def ingest_http_stage(bench: Bench) -> None:
    size = bench.size
    bodies = feed_bodies(bench)
    paths = {f"/rss/dept_{i:03d}.xml": body for i, body in enumerate(bodies)}
    entries = size.feeds * size.items
    with FeedServer(paths, size.latency, HOSTS, bench.single) as server:
        bench.log(f"ingest over HTTP: server on {server.mode}")
        urls = [server.url(i, f"/rss/dept_{i:03d}.xml") for i in range(size.feeds)]
        site = data.make_site(bench.work / "ingest-http", data.source_rows(size.feeds, lambda i: urls[i]))
        peer = reader_available()
        db = bench.work / "reader" / "reader.sqlite"
        db.parent.mkdir(parents=True, exist_ok=True)

        def counted(run: Callable[[], Sample]) -> Callable[[], Sample]:
            """The run, with the HTTP statuses the server gave it."""

            def wrapped() -> Sample:
                before = dict(server.statuses)
                sample = run()
                sample.report["statuses"] = {k: v - before.get(k, 0) for k, v in server.statuses.items()}
                return sample

            return wrapped

        def rounds(fresh: bool) -> dict[str, Callable[[], Sample]]:
            sides = {"pressfeed": counted(bench.task("ingest", {"site": str(site), "fresh": fresh}))}
            if peer:
                params = {"db": str(db), "urls": urls, "workers": data.CONCURRENCY, "fresh": fresh}
                sides["reader"] = counted(bench.task("reader", params))
            return sides

        first: dict[str, list[Sample]] = {name: [] for name in rounds(True)}
        second: dict[str, list[Sample]] = {name: [] for name in rounds(True)}
        for rep in range(size.reps):
            # a first pass into empty stores, then the all-304 pass over them; who goes first alternates
            bench.log(f"  repetition {rep + 1}/{size.reps}")
            for fresh, into in ((True, first), (False, second)):
                sides = rounds(fresh)
                names = list(sides) if rep % 2 == 0 else list(sides)[::-1]
                for name in names:
                    into[name].append(sides[name]())
    check(first["pressfeed"], "ingest over HTTP", lambda r: r["ok"] and r["new"] == entries)
    check(second["pressfeed"], "re-ingest", lambda r: r["ok"] and r["not_modified"] == size.feeds)
    if peer:
        check(first["reader"], "reader first pass", lambda r: r["entries"] == entries and not r["broken"])
        check(second["reader"], "reader all-304 pass", lambda r: r["statuses"].get(304) == size.feeds)

    ideal = size.latency * math.ceil(size.feeds / data.CONCURRENCY)
    network = [Sample(wall=ideal, cpu=0.0) for _ in first["pressfeed"]]
    where = "loopback hosts" if not server.mode.startswith("FALLBACK") else "ports on 127.0.0.1 (fallback)"
    bench.ratio_row(
        "ingest wall clock",
        "s",
        Paired(network, first["pressfeed"]),
        wall_of,
        1.5,
        "≤ 1.5× latency × ceil(F/C)",
        f"F={size.feeds}, C={data.CONCURRENCY}, {HOSTS} {where}, {size.latency * 1000:.0f} ms latency; "
        f"floor = {size.latency * 1000:.0f} ms × {math.ceil(size.feeds / data.CONCURRENCY)}",
    )
    rerun = Paired(first["pressfeed"], second["pressfeed"])
    bench.ratio_row("re-ingest CPU", "s", rerun, cpu_of, 0.2, "≤ 0.2× first run", "all 304; tree CPU vs the first pass")
    bench.ratio_row("re-ingest wall clock", "s", rerun, wall_of, 1.0, "≤ 1.0× first run", "all 304")
    if not peer:
        bench.missing(HTTP_FIGURES[3:], "reader is not installed: pip install -e '.[bench]'")
        return
    workers = f"reader update_feeds(workers={data.CONCURRENCY}, scheduled=False); pressfeed fetch.concurrency "
    workers += str(data.CONCURRENCY)
    for label, runs in (("first pass", first), ("all-304 pass", second)):
        versus = Paired(runs["reader"], runs["pressfeed"])
        bench.ratio_row(f"peer: {label} wall", "s", versus, wall_of, 1.0, "≤ 1.0× reader", workers)
        bench.ratio_row(f"peer: {label} CPU", "s", versus, cpu_of, 1.0, "≤ 1.0× reader", "tree CPU, workers included")


# -- costs that grow with the store ---------------------------------------------------------------


LIST_FIGURES = (*((f"articles list {label}", "ms") for label, _ in LIST_FILTERS), ("sources check", "ms"))
#: the sources of the `sources check` row: as many as the ingest rows fetch
CHECKED_SOURCES = 200


def list_stage(bench: Bench) -> None:
    size = bench.size
    small, big = bench.store(size.small_store), bench.store(size.list_store)
    for label, filters in LIST_FILTERS:
        bench.log(f"articles list {label}: {size.list_store} vs {size.small_store} articles")

        def cli(site: Path, filters: tuple[str, ...] = filters) -> Callable[[], Sample]:
            return bench.task("cli", {"args": ["--site", str(site), "articles", "list", *filters, "--limit", "20"]})

        sides = bench.interleave({"small": cli(small), "big": cli(big)})
        check(sides["small"] + sides["big"], f"articles list {label}", lambda r: r["exit"] == 0)
        bench.ratio_row(
            f"articles list {label}",
            "ms",
            pair(sides, "small", "big"),
            wall_of,
            1.3,
            f"≤ 1.3× ({size.list_store} vs {size.small_store})",
            "--limit 20; the command in-process, its second call: config, store, query, output",
            scale=1000,
        )

    # every run ends with each source's health, held items included: a lookup per source in the store
    sources = data.source_rows(CHECKED_SOURCES, lambda i: f"http://127.0.0.1:9/rss/dept_{i:03d}.xml")
    checked = {}
    for side, n, store_site in (("small", size.small_store, small), ("big", size.list_store, big)):
        url = f"sqlite:///{store_site / '.pressfeed' / 'pressfeed.db'}"
        checked[side] = data.make_site(bench.work / f"sources-{n}", sources, store_url=url)
    bench.log(f"sources check of {CHECKED_SOURCES} sources: {size.list_store} vs {size.small_store} articles")
    sides = bench.interleave(
        {side: bench.task("cli", {"args": ["--site", str(site), "sources", "check"]}) for side, site in checked.items()}
    )
    # no source was ever fetched: each is pending, which the command reports with exit code 1
    check(sides["small"] + sides["big"], "sources check", lambda r: r["exit"] == 1)
    bench.ratio_row(
        "sources check",
        "ms",
        pair(sides, "small", "big"),
        wall_of,
        1.3,
        f"≤ 1.3× ({size.list_store} vs {size.small_store})",
        f"{CHECKED_SOURCES} sources never fetched, the store's own articles; the health a run ends with",
        scale=1000,
    )


# -- cron start-up -----------------------------------------------------------------------------

STARTUP_FIGURES = (("no-op run start-up", "ms"), ("no-op run CPU", "ms"))


def pressfeed_command() -> list[str]:
    script = Path(sys.executable).parent / "pressfeed"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pressfeed"]


def startup_stage(bench: Bench) -> None:
    site = bench.work / "sample"
    shutil.copytree(Path(__file__).resolve().parents[1] / "feeds", site / "feeds")
    command = [*pressfeed_command(), "--site", str(site), "-q", "run"]
    bench.log("cron start-up: a no-op `pressfeed run` on the sample site vs `python3 -c pass`")
    run_command(command)  # the first run imports, ingests and builds; the measured ones find nothing to do
    sides = bench.interleave(
        {"python": lambda: run_command([sys.executable, "-c", "pass"]), "pressfeed": lambda: run_command(command)}
    )
    startup = pair(sides, "python", "pressfeed")
    note = "the sample site, nothing changed; whole processes, spawn to exit"
    bench.ratio_row("no-op run start-up", "ms", startup, wall_of, 10.0, "≤ 10× python3 -c pass", note, scale=1000)
    bench.ratio_row("no-op run CPU", "ms", startup, cpu_of, None, "info", "tree CPU of the same runs", scale=1000)


# -- the same figures from PostgreSQL ---------------------------------------------------------------

POSTGRES_FIGURES = (
    ("PostgreSQL full build", "s"),
    ("PostgreSQL no-op rebuild", "ms"),
    ("PostgreSQL incremental build", "ms"),
    ("PostgreSQL CMS import", "s"),
)


def start_postgres() -> tuple[Any, str]:
    """A throwaway server (tests/pgserver.py) with PostgreSQL's default settings (fsync on every commit),
    or None and why not. Started before the benchmark becomes a subreaper: the daemonized server is then
    not our descendant, and no measured child is blamed for leaving it running."""
    from tests.pgserver import PostgresServer, PostgresUnavailable

    try:
        return PostgresServer.start(durable=True), ""
    except PostgresUnavailable as exc:
        return None, str(exc)


def postgres_stage(bench: Bench) -> None:
    """Build, no-op, incremental and import on a PostgreSQL store (local socket) beside the same on SQLite."""
    if bench.pg_server is None:
        bench.missing(POSTGRES_FIGURES, f"PostgreSQL is not available: {bench.pg_missing}")
        return
    _postgres_figures(bench, bench.pg_server)


def _postgres_figures(bench: Bench, server: Any) -> None:
    from pressfeed.store import copy_store

    size = bench.size
    sqlite_site = bench.store(size.store)
    bench.log(f"copying the {size.store}-article store into PostgreSQL (pressfeed store copy)")
    pg_site = data.make_site(bench.work / f"pg-store-{size.store}", store_url=server.new_database())
    source, target = data.open_site(sqlite_site).store, data.open_site(pg_site).store
    copy_store(source, target)
    source.close()
    target.close()
    out = bench.work / "pg-build-out"
    local = "a Unix socket on this machine, the server's default settings (fsync on)"

    bench.log(f"full build from PostgreSQL vs from SQLite, N={size.store}")
    sides = bench.interleave(
        {
            "sqlite": bench.task("build", {"site": str(sqlite_site), "out": str(out / "sqlite")}),
            "postgresql": bench.task("build", {"site": str(pg_site), "out": str(out / "postgresql")}),
        }
    )
    for name in sides:
        check(sides[name], f"{name} build", lambda r: r["files"] >= FEEDS_BUILT)
    same = tree_bytes(out / "sqlite") == tree_bytes(out / "postgresql")
    note = f"N={size.store}, build(force=True), wall; {local}; files byte-identical: {'yes' if same else 'NO'}"
    full = pair(sides, "sqlite", "postgresql")
    bench.ratio_row("PostgreSQL full build", "s", full, wall_of, 1.5, "≤ 1.5× SQLite", note)
    if not same:
        bench.errors.append("postgres: the build from PostgreSQL differs from the build from SQLite")

    bench.log(f"no-op and incremental builds from PostgreSQL vs SQLite, N={size.store}")
    steady = bench.interleave(
        {
            f"{kind}-{name}": bench.task("build-steady", {"site": str(site), "kind": kind})
            for kind in ("noop", "incremental")
            for name, site in (("sqlite", sqlite_site), ("postgresql", pg_site))
        }
    )
    for kind, figure in (("noop", "PostgreSQL no-op rebuild"), ("incremental", "PostgreSQL incremental build")):
        runs = pair(steady, f"{kind}-sqlite", f"{kind}-postgresql")
        written = sorted({len(s.report["written"]) for s in runs.subject})
        note = f"N={size.store}; files written per run: {written}; {local}"
        bench.ratio_row(figure, "ms", runs, wall_of, None, "info (vs SQLite)", note, scale=1000)

    bench.log(f"CMS import into PostgreSQL vs SQLite, {size.records} records")
    export = bench.work / "exports" / f"export-{size.records}.jsonl"
    if not export.exists():
        data.write_records(export, size.records, bench.corpus)
    sites = {
        "sqlite": data.make_site(bench.work / "pg-import-sqlite"),
        "postgresql": data.make_site(bench.work / "pg-import-postgresql", store_url=server.new_database()),
    }
    sides = bench.interleave(
        {name: bench.task("import", {"site": str(site), "path": str(export)}) for name, site in sites.items()}
    )
    for name in sides:
        check(sides[name], f"{name} import", lambda r: r["created"] == size.records)
    note = f"M={size.records} records into an empty store, wall; {local} (the server's CPU is not in the tree)"
    bench.ratio_row("PostgreSQL CMS import", "s", pair(sides, "sqlite", "postgresql"), wall_of, None, "info", note)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
