"""Worker processes for the CPU-bound, pure steps (parsing feeds, normalizing records).

feedparser and most of normalization are pure Python, so threads would share
one core; processes use them all. Workers fork from a forkserver that imported
pressfeed once, so starting them is cheap and safe beside threads.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

#: the most processes a pool gets, whatever the core count
MAX_WORKERS = 4


def workers_for(configured: int | None, *, auto: bool) -> int:
    """How many worker processes a large job gets: `fetch.workers` when set, else one per core (max 4).

    Workers start by importing the main module again, which re-runs a script
    that lacks an `if __name__ == "__main__"` guard. So without a configured
    count, pools start only when the caller says its entry point is guarded
    (`auto`: the pressfeed command); library callers get in-process work.
    """
    if configured is not None:
        return configured
    return min(os.cpu_count() or 1, MAX_WORKERS) if auto else 0


def _main_importable() -> bool:
    """Workers re-import the main script; a program read from stdin cannot be (run inline then)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is None or getattr(main, "__spec__", None) is not None or os.path.exists(path)


@contextmanager
def worker_pool(workers: int, preload: str) -> Iterator[Executor | None]:
    """A process pool of `workers` (None when 0, or 1 on a single core: no gain)."""
    if workers < 1 or ((os.cpu_count() or 1) < 2 and workers < 2) or not _main_importable():
        yield None
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        context.set_forkserver_preload([preload])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pool.submit(os.getpid)  # start the workers now, while the caller's first downloads run
        yield pool
