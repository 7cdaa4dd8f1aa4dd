"""Smoke run of bench/run.py at its tiny size: every figure is reported, measured, and the build counts are right.

No timing assertions: the benchmark measures, the numbers depend on the machine.
The peer rows need lemon24/reader (the `bench` extra); without it they say so.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pgserver import PostgresUnavailable, find_bindir

ROOT = Path(__file__).resolve().parents[1]

FIGURES = (
    "full build",
    "full build CPU",
    "peak memory (full build)",
    "no-op rebuild",
    "no-op rebuild files written",
    "incremental build",
    "incremental build files written",
    "naive full build",
    "naive no-op",
    "naive incremental",
    "CMS import",
    "CMS import CPU",
    "import peak memory",
    "import peak memory scaling",
    "ingest CPU",
    "ingest wall (files)",
    "ingest wall clock",
    "re-ingest CPU",
    "re-ingest wall clock",
    "articles list no filter",
    "articles list --section",
    "articles list --status draft",
    "articles list --status published",
    "articles list --section --status draft",
    "articles list --json",
    "sources check",
    "no-op run start-up",
    "no-op run CPU",
)
#: the build, no-op, incremental and import figures on a PostgreSQL store, each against the same on SQLite
POSTGRES = (
    "PostgreSQL full build",
    "PostgreSQL no-op rebuild",
    "PostgreSQL incremental build",
    "PostgreSQL CMS import",
)
PEER = ("peer: first pass wall", "peer: first pass CPU", "peer: all-304 pass wall", "peer: all-304 pass CPU")
#: rows that are a measured value against no floor
WITHOUT_FLOOR = {
    "peak memory (full build)",
    "no-op rebuild files written",
    "incremental build files written",
    "import peak memory",
}


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@pytest.mark.bench
def test_tiny_benchmark_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "bench/run.py", "--size", "tiny", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "figure" in proc.stdout and "met" in proc.stdout  # the table was printed

    rows = json.loads(out.read_text(encoding="utf-8"))
    by_figure = {row["figure"]: row for row in rows}
    assert set(FIGURES) | set(PEER) | set(POSTGRES) == set(by_figure), set(FIGURES) ^ set(by_figure)
    for row in rows:
        assert {"figure", "value", "unit", "floor", "ratio", "ratio_min", "runs", "target", "met"} <= set(row), row
        assert isinstance(row["met"], bool), row
    for figure in FIGURES:
        row = by_figure[figure]
        assert is_number(row["value"]), row
        if figure not in WITHOUT_FLOOR:
            assert is_number(row["floor"]) and is_number(row["ratio"]) and is_number(row["ratio_min"]), row
            assert row["ratio_min"] <= row["ratio"], row
            assert row["runs"] >= 1, row

    # CPU over the process tree is real CPU: the floors and pressfeed each spent some
    for figure in ("full build CPU", "CMS import CPU", "ingest CPU", "no-op run CPU"):
        assert by_figure[figure]["value"] > 0 and by_figure[figure]["floor"] > 0, by_figure[figure]

    if importlib.util.find_spec("reader") is not None:
        for figure in PEER:
            assert is_number(by_figure[figure]["value"]) and is_number(by_figure[figure]["ratio"]), by_figure[figure]
    else:
        for figure in PEER:
            assert by_figure[figure]["value"] is None and "not installed" in by_figure[figure]["note"]

    try:
        find_bindir()
        postgres = True
    except PostgresUnavailable:
        postgres = False
    for figure in POSTGRES:
        row = by_figure[figure]
        if postgres:
            assert is_number(row["value"]) and is_number(row["floor"]) and is_number(row["ratio"]), row
        else:
            assert row["value"] is None and "PostgreSQL is not available" in row["note"], row
    if postgres:
        assert "files byte-identical: yes" in by_figure["PostgreSQL full build"]["note"]
        assert "files written per run: [0]" in by_figure["PostgreSQL no-op rebuild"]["note"]
        assert "files written per run: [8]" in by_figure["PostgreSQL incremental build"]["note"]

    assert by_figure["no-op rebuild files written"]["value"] == 0
    assert by_figure["no-op rebuild files written"]["met"] is True
    assert by_figure["incremental build files written"]["value"] == 8  # 2 feeds x (3 formats + page)
    assert by_figure["incremental build files written"]["met"] is True
