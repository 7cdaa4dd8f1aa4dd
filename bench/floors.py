"""The floors: the same work done with the bare libraries, as the least any implementation must do.

docs/benchmarks.md shows these functions verbatim; keep them short and keep them fair:
each does what pressfeed is asked to do, with pressfeed's own library calls and
durability strategy, and nothing pressfeed is not asked to do.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import feedparser
import nh3
from feedgen.feed import FeedGenerator
from lxml import etree

from pressfeed.core import Pressfeed
from pressfeed.model import Article, ArticleFilter, Status
from pressfeed.publish.build import feed_specs
from pressfeed.publish.common import FeedSpec
from pressfeed.publish.feeds import render_atom, render_rss
from pressfeed.publish.jsonfeed import render_json

# -- ingest ------------------------------------------------------------------------------------


def ingest_floor(paths: Sequence[Path]) -> int:
    """Parse every feed as pressfeed calls feedparser, then sanitize every entry's HTML once."""
    entries = 0
    for path in paths:
        parsed = feedparser.parse(
            path.read_bytes(),
            response_headers={"content-type": "application/xml; charset=utf-8"},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
        for entry in parsed.entries:
            html = entry["content"][0]["value"] if "content" in entry else entry.get("summary", "")
            nh3.clean(html)
            entries += 1
    return entries


# -- CMS import --------------------------------------------------------------------------------


def import_floor(path: Path) -> int:
    """Read every JSON Lines record and sanitize its body: the least an import of untrusted HTML does."""
    records = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            nh3.clean(record["body_html"])
            records += 1
    return records


# -- build -------------------------------------------------------------------------------------

FEED_QUERY = (
    "SELECT data FROM article WHERE status = 'published' AND published <= ? {section}"
    "ORDER BY published DESC, id LIMIT ?"
)


def build_floor(db_path: Path, specs: Sequence[FeedSpec], now: str, limit: int, out_dir: Path) -> int:
    """Load each feed's newest items from SQLite, render RSS, Atom, JSON Feed and its HTML page, then the
    OPML list of feeds; write them durably.

    The same durability as pressfeed: temp files fsynced on 8 threads, renamed, one fsync per directory.
    """
    db = sqlite3.connect(db_path)
    staged: list[tuple[str, Path]] = []
    for spec in specs:
        section = "AND section = ? " if spec.key else ""
        params = (now, spec.key, limit) if spec.key else (now, limit)
        items = [json.loads(data) for (data,) in db.execute(FEED_QUERY.format(section=section), params)]
        rss, atom = render_feedgen(spec, items)
        json_feed, page = render_jsonfeed(spec, items), render_page(spec, items)
        for name, data in (
            (spec.rss_path, rss),
            (spec.atom_path, atom),
            (spec.json_path, json_feed),
            (spec.page_path, page),
        ):
            staged.append(stage(out_dir / name, data))
    db.close()
    staged.append(stage(out_dir / "feeds.opml", render_opml(specs)))
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fsync_path, [tmp for tmp, _ in staged]))
    for tmp, target in staged:
        os.replace(tmp, target)
    for directory in {target.parent for _, target in staged}:
        fsync_path(str(directory))
    return len(staged)


def stage(target: Path, data: bytes) -> tuple[str, Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return tmp, target


def fsync_path(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def render_feedgen(spec: FeedSpec, items: Sequence[dict[str, Any]]) -> tuple[bytes, bytes]:
    """RSS and Atom from one feedgen pass with the fields pressfeed publishes: categories, the link to
    the agency's release, enclosures, Media RSS (feedgen's media extension), the byline as dc:creator
    (its dc extension), the agency <source>, the credit line."""
    fg = FeedGenerator()
    fg.load_extension("media")
    fg.load_extension("dc", atom=False)
    fg.id(spec.id)
    fg.title(spec.title)
    fg.link(href=spec.html_url, rel="alternate")
    fg.description(spec.description)
    fg.language(spec.language)
    fg.updated(max((datetime.fromisoformat(a["updated"]) for a in items), default=spec.updated))
    for a in items:
        source = a.get("source")
        fe = fg.add_entry(order="append")
        fe.id(a["id"])
        fe.title(a["title"])
        fe.link(href=a["link"])
        fe.content(a["body_html"] + (f"<p>{source['credit']}</p>" if source else ""), type="html")
        fe.summary(a["summary"])
        fe.published(datetime.fromisoformat(a["published"]))
        fe.updated(datetime.fromisoformat(a["updated"]))
        fe.author({"name": a["byline"]})
        fe.dc.dc_creator(a["byline"])
        fe.category([{"term": a["section"]}] + [{"term": t} for t in a["tags"]])
        for file in a["images"] + a["attachments"]:  # Atom enclosure links; RSS gets one enclosure
            fe.link(href=file["url"], rel="enclosure", type=file["type"], length=str(file["length"]))
        if a["images"]:
            image = a["images"][0]
            fe.media.content(
                url=image["url"], fileSize=str(image["length"]), type=image["type"], medium="image", group=None
            )
            fe.media.thumbnail(url=image["url"], group=None)
        if source:
            fe.link(href=source["url"], rel="via")
            fe.source(url=source["feed"] or source["home"], title=source["name"])
    return fg.rss_str(pretty=True), fg.atom_str(pretty=True)


def render_jsonfeed(spec: FeedSpec, items: Sequence[dict[str, Any]]) -> bytes:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "home_page_url": spec.html_url,
        "feed_url": spec.json_url,
        "items": [
            {
                "id": a["id"],
                "url": a["link"],
                "title": a["title"],
                "content_html": a["body_html"],
                "summary": a["summary"],
                "date_published": a["published"],
                "date_modified": a["updated"],
                "authors": [{"name": a["byline"]}],
                "tags": a["tags"],
                **({"image": a["images"][0]["url"]} if a["images"] else {}),
                "attachments": [
                    {"url": f["url"], "mime_type": f["type"], "size_in_bytes": f["length"]}
                    for f in a["images"] + a["attachments"]
                ],
                **({"external_url": a["source"]["url"], "_pressfeed": {"source": a["source"]}} if a["source"] else {}),
            }
            for a in items
        ],
    }
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode()


def render_page(spec: FeedSpec, items: Sequence[dict[str, Any]]) -> bytes:
    """The feed's HTML page: its feed URLs, then each item's linked title, date, summary and photo."""
    feeds = "".join(f'<li><a href="{escape(url)}">{escape(url)}</a></li>' for _, url in spec.feed_urls())
    rows = "".join(
        f'<li><a href="{escape(a["link"])}">{escape(a["title"])}</a> <time>{escape(a["published"])}</time>'
        f"<p>{escape(a['summary'])}</p>"
        + (
            f'<img src="{escape(a["images"][0]["url"])}" alt="{escape(a["images"][0]["caption"])}">'
            if a["images"]
            else ""
        )
        + "</li>"
        for a in items
    )
    title = escape(spec.title)
    page = f"<!DOCTYPE html><title>{title}</title><h1>{title}</h1><ul>{feeds}</ul><ol>{rows}</ol>"
    return page.encode()


def render_opml(specs: Sequence[FeedSpec]) -> bytes:
    """Every feed of the site, as pressfeed's feeds.opml lists them: each once, its RSS."""
    root = etree.Element("opml", version="2.0")
    body = etree.SubElement(root, "body")
    for spec in specs:
        etree.SubElement(body, "outline", type="rss", text=spec.title, xmlUrl=spec.rss_url)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


# -- baseline: what a user would write first ------------------------------------------------------


def naive_build(pf: Pressfeed, out_dir: Path) -> int:
    """Load every article, group in Python, render and write every file (plain writes)."""
    limit = pf.config.output.items_per_feed
    now = pf.clock.now()
    site: list[Article] = []
    sections: dict[str, list[Article]] = defaultdict(list)
    for stored in pf.store.articles(ArticleFilter()):  # newest first
        article = stored.article
        if article.status != Status.PUBLISHED or article.published > now:
            continue
        if len(site) < limit:
            site.append(article)
        if len(sections[article.section]) < limit:
            sections[article.section].append(article)
    files = 0
    for spec in feed_specs(pf.config):
        articles = sections.get(spec.key, []) if spec.key else site
        if articles:
            spec = replace(spec, updated=max(a.updated for a in articles))
        for path, render in ((spec.rss_path, render_rss), (spec.atom_path, render_atom), (spec.json_path, render_json)):
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(render(spec, articles))
            files += 1
    return files
