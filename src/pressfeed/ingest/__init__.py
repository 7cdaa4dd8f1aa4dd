"""Ingest of agency press-release feeds: fetch → parse → map → dedupe → store."""

from .update import IngestResult, SourceReport, ingest_sources

__all__ = ["IngestResult", "SourceReport", "ingest_sources"]
