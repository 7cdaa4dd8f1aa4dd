"""Smoke run of bench/run.py at its tiny size: every figure is reported and the build counts are right.

No timing assertions: the benchmark measures, the numbers depend on the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FIGURES = (
    "full build",
    "peak memory (full build)",
    "no-op rebuild",
    "no-op rebuild files written",
    "incremental build",
    "incremental build files written",
    "CMS import",
    "ingest CPU",
    "ingest wall clock",
    "re-ingest CPU",
    "re-ingest wall clock",
    "naive full build",
    "naive no-op",
    "naive incremental",
)
#: rows compared against a measured floor or baseline (the written-file counts have none)
WITH_FLOOR = set(FIGURES) - {"no-op rebuild files written", "incremental build files written"}


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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
    assert isinstance(rows, list)
    by_figure = {row["figure"]: row for row in rows}
    assert set(FIGURES) <= set(by_figure), set(FIGURES) - set(by_figure)
    for row in rows:
        assert {"figure", "value", "unit", "floor", "ratio", "target", "met"} <= set(row), row
        assert isinstance(row["met"], bool), row
        assert is_number(row["value"]), row
        assert row["floor"] is None or is_number(row["floor"]), row
        assert row["ratio"] is None or is_number(row["ratio"]), row
    for figure in WITH_FLOOR:
        row = by_figure[figure]
        assert is_number(row["floor"]) and is_number(row["ratio"]), row

    assert by_figure["no-op rebuild files written"]["value"] == 0
    assert by_figure["no-op rebuild files written"]["met"] is True
    assert by_figure["incremental build files written"]["value"] == 8  # 2 feeds x (3 formats + page)
    assert by_figure["incremental build files written"]["met"] is True
