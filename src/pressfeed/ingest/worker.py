"""What ingest's worker processes run, imported once by the pool's forkserver before it forks them.

:mod:`pressfeed.ingest.jobs` imports the feed parser only where it parses, so
the main process, which builds jobs and takes their results while workers
parse, never loads feedparser; the workers get it from here, preloaded.
"""

from . import jobs, parse

__all__ = ["jobs", "parse"]
