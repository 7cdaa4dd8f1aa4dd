"""Per-record cost of each step of a CMS import, beside the floor (json.loads + nh3.clean).

    python bench/import_parts.py [RECORDS]

Generates RECORDS (default 10000) export records with bench/data.py's generator,
then times each step alone over all of them, in this one process (CPU time, the
best of three). This is the evidence behind the "CMS import" discussion in
docs/benchmarks.md: what the work an import must do costs before any process
is involved, and what crossing one costs (with workers, each record's encoded
article is pickled in a worker and unpickled in the importing process).
"""

from __future__ import annotations

import gc
import json
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nh3

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import data as bench
from pressfeed.imports import raw_article
from pressfeed.imports.read import parse_line
from pressfeed.model import encode
from pressfeed.normalize import normalize
from pressfeed.sanitize import sanitize_html
from pressfeed.store.base import ArticleWrite
from pressfeed.store.sqlite import SQLiteStore, _article_row
from pressfeed.stories import citation_keys

INSERT = (
    "INSERT INTO article (id, section, status, published, updated, origin, content_hash,"
    " upstream_hash, upstream_status, seq, data) VALUES (?,?,?,?,?,?,?,?,?,?,CAST(? AS TEXT))"
)

INSERT_UNDATED = (
    "INSERT INTO article (id, section, status, published, updated, origin, content_hash,"
    " upstream_hash, upstream_status, seq, data, undated_changes) VALUES (?,?,?,?,?,?,?,?,?,?,CAST(? AS TEXT),?)"
)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = bench.make_site(Path(tmp) / "site")
        path = root / "export.jsonl"
        bench.write_records(path, count, bench.Corpus())
        lines = path.read_bytes().splitlines()
        pf = bench.open_site(root)
        gc.disable()
        timings: dict[str, float] = {}

        def timed(name: str, fn: Callable[[], Any], repeat: int = 3) -> Any:
            best, result = float("inf"), None
            for _ in range(repeat):
                start = time.process_time()
                result = fn()
                best = min(best, time.process_time() - start)
            timings[name] = best / count * 1e6
            return result

        records = timed("json.loads", lambda: [json.loads(line) for line in lines])
        timed("nh3.clean(body)", lambda: [nh3.clean(r["body_html"]) for r in records])
        parsed = timed("read a line (decode, json.loads)", lambda: [parse_line("x", 1, line) for line in lines])
        normalized = timed("all normalization", lambda: [normalize(raw_article(r.data), pf.context) for r in parsed])
        timed(
            "  of which sanitize_html",
            lambda: [sanitize_html(r["body_html"], bench.SITE_URL + r["link"].lstrip("/")) for r in records],
        )
        timed("citation keys (link, body hash)", lambda: [citation_keys(n.article, n.words) for n in normalized])
        encoded = timed("row JSON + content hash", lambda: [encode(n.article) for n in normalized])
        # what a worker sends back per record: the encoded article, pickled there and unpickled here
        timed("to the writing process (pickle, unpickle)", lambda: pickle.loads(pickle.dumps(encoded, -1)))
        rows = [_article_row(ArticleWrite.from_upstream(e, "cms"), i) for i, e in enumerate(encoded)]
        insert_sql = INSERT if len(rows[0]) == 11 else INSERT_UNDATED  # schema 10 added undated_changes
        cites = [(k, n.article.id) for n in normalized for k in citation_keys(n.article, n.words)]

        def insert(name: str, sql: str, values: list[tuple[Any, ...]]) -> None:
            """Into a new store each time, committed: the rows' pages are written as an import writes them."""
            best = float("inf")
            for rep in range(3):
                store = SQLiteStore(Path(tmp) / f"insert-{name[:8]}-{rep}.db")
                start = time.process_time()
                with store.transaction():
                    store.db.executemany(sql, values)
                best = min(best, time.process_time() - start)
                store.close()
            timings[name] = best / count * 1e6

        insert("SQLite: article rows, committed", insert_sql, rows)
        insert("SQLite: citation rows, committed", "INSERT OR IGNORE INTO citation VALUES (?, ?)", cites)
        pf.close()
    floor = timings["json.loads"] + timings["nh3.clean(body)"]
    print(f"{count} records, CPU µs per record (floor = json.loads + nh3.clean = {floor:.1f} µs)")
    for name, value in timings.items():
        print(f"  {name:<41} {value:7.1f}  ({value / floor:.2f}× floor)")
    required = sum(v for k, v in timings.items() if not k.startswith(("json.loads", "nh3", "  ")))
    print(f"  {'the required work, together':<41} {required:7.1f}  ({required / floor:.2f}× floor)")


if __name__ == "__main__":
    main()
