#!/usr/bin/env python3
"""pressfeed benchmark: generated Korean press data, each figure measured beside a fair floor.

    python bench/run.py [--size tiny|small|full|huge] [--reps N] [--json FILE] [--workdir DIR] [--profile DIR]

Every measurement runs in a child process (``bench/tasks.py``), pressfeed's and
the floor's alike, alternating, and counts CPU over the whole process tree
(``bench/measure.py``). The floors are in ``bench/floors.py``, the data generators
in ``bench/data.py``, the HTTP server in ``bench/server.py``, the figures and
their targets in ``bench/figures.py``, the table in ``bench/report.py``.

The exit code is 0 when targets are missed (this is a measurement; missed rows
say MISSED); it is 1 only when a stage crashed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import figures, report
from bench.measure import become_subreaper


def run(args: argparse.Namespace) -> int:
    size = figures.SIZES[args.size]
    if args.reps is not None:
        size = figures.Size(**{**size.__dict__, "reps": args.reps})
    for text in report.header(size.describe(args.size), size.reps):
        print(text)
    pg_server, pg_missing = None, "not started"
    if args.only is None or "postgres" in args.only:
        pg_server, pg_missing = figures.start_postgres()  # before we adopt orphans: the server is not ours
    subreaper = become_subreaper()
    if not subreaper:
        print("  WARNING    not a child subreaper: CPU of processes that outlive their parent is not counted")
    if args.profile is not None:
        print(f"  profiling  each pressfeed task runs once more under cProfile, unmeasured ({args.profile})")
    print(flush=True)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="pressfeed-bench-"))
    if args.workdir is not None:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    bench = figures.Bench(args.size, size, work, args.profile, args.single_loopback)
    bench.pg_server, bench.pg_missing = pg_server, pg_missing
    stages = {
        "build": (figures.BUILD_FIGURES, figures.build_stage),
        "import": (figures.IMPORT_FIGURES, figures.import_stage),
        "ingest": (figures.INGEST_FIGURES, figures.ingest_stage),
        "http": (figures.HTTP_FIGURES, figures.ingest_http_stage),
        "list": (figures.LIST_FIGURES, figures.list_stage),
        "startup": (figures.STARTUP_FIGURES, figures.startup_stage),
        "postgres": (figures.POSTGRES_FIGURES, figures.postgres_stage),
    }
    try:
        for name, (names, stage) in stages.items():
            if args.only is None or name in args.only:
                bench.stage(name, names, lambda stage=stage: stage(bench))
    finally:
        if pg_server is not None:
            pg_server.stop()
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    bench.log("done")
    print()
    for text in report.table(bench.rows):
        print(text)
    missed = [r.figure for r in bench.rows if not r.met]
    print()
    print(f"MISSED ({len(missed)}): {', '.join(missed)}" if missed else "all targets met")
    if bench.errors:
        print("ERRORS: " + "; ".join(bench.errors))
    if args.workdir is not None:
        print(f"work dir kept: {work}")
    if args.json is not None:
        meta = {"size": size.describe(args.size), "header": report.header(size.describe(args.size), size.reps)}
        report.write_json(args.json, bench.rows, meta)
    return 1 if bench.errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=list(figures.SIZES), default="full")
    parser.add_argument("--reps", type=int, help="repetitions of every pair (default: 5; tiny 1, small 3)")
    parser.add_argument("--json", type=Path, help="write the rows as a JSON list to FILE")
    parser.add_argument("--workdir", type=Path, help="work here (emptied first) and keep it; default: a temp dir")
    parser.add_argument(
        "--only",
        type=lambda text: text.split(","),
        metavar="STAGE,…",
        help="run only these stages: build, import, ingest, http, list, startup, postgres (default: all)",
    )
    parser.add_argument("--profile", type=Path, metavar="DIR", help="cProfile one extra run of each pressfeed task")
    parser.add_argument(
        "--single-loopback", action="store_true", help="serve feeds on 127.0.0.1 ports instead of 127.0.0.2-51"
    )
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
