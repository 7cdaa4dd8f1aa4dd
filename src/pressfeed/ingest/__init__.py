"""Ingest of agency press releases: fetch → parse → normalize → dedupe → store.

The pipeline is :func:`pressfeed.ingest.update.ingest_sources`; this package
imports nothing at start-up, so commands that fetch nothing never load httpx
or feedparser.
"""
