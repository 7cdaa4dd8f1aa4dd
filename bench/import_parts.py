"""Per-record cost of each step of a CMS import, beside the floor (json.loads + nh3.clean).

    python bench/import_parts.py [RECORDS]

Generates RECORDS (default 10000) export records with bench/data.py's generator,
then times each step alone over all of them. This is the evidence behind the
"CMS import" discussion in docs/benchmarks.md.
"""

from __future__ import annotations

import gc
import json
import sys
import tempfile
import time
from pathlib import Path

import nh3

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import data as bench
from pressfeed.imports import raw_article, read_records
from pressfeed.model import encode
from pressfeed.normalize import normalize, sanitize_html
from pressfeed.store.base import ArticleWrite
from pressfeed.store.sqlite import _article_row


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = bench.make_site(Path(tmp) / "site")
        path = root / "export.jsonl"
        bench.write_records(path, count, bench.Corpus())
        lines = path.read_text(encoding="utf-8").splitlines()
        pf = bench.open_site(root)
        text = "\n".join(lines)
        gc.disable()
        timings: dict[str, float] = {}

        def timed(name: str, fn: object) -> object:
            start = time.perf_counter()
            result = fn()  # type: ignore[operator]
            timings[name] = (time.perf_counter() - start) / count * 1e6
            return result

        data = timed("json.loads", lambda: [json.loads(line) for line in lines])
        timed("nh3.clean(body)", lambda: [nh3.clean(d["body_html"]) for d in data])
        timed(
            "sanitize_html (URLs made absolute)",
            lambda: [sanitize_html(d["body_html"], bench.SITE_URL + d["link"].lstrip("/")) for d in data],
        )
        records = read_records("export.jsonl", text)
        articles = timed(
            "all normalization", lambda: [normalize(raw_article(r.data), pf.context).article for r in records]
        )
        encoded = timed("row JSON + content hash", lambda: [encode(a) for a in articles])
        rows = [_article_row(ArticleWrite.from_upstream(e, "cms"), i) for i, e in enumerate(encoded)]

        def insert() -> None:
            with pf.store.transaction():
                pf.store.db.executemany(
                    "INSERT INTO article (id, section, status, published, updated, origin, content_hash,"
                    " upstream_hash, upstream_status, seq, data) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    rows,
                )

        timed("SQLite insert", insert)
        pf.close()
    floor = timings["json.loads"] + timings["nh3.clean(body)"]
    print(f"{count} records, µs per record (floor = json.loads + nh3.clean = {floor:.1f} µs)")
    for name, value in timings.items():
        print(f"  {name:<36} {value:7.1f}  ({value / floor:.2f}× floor)")


if __name__ == "__main__":
    main()
