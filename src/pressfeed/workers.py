"""Worker processes for the CPU-bound, pure steps (parsing feeds, normalizing records).

feedparser and most of normalization are pure Python, so threads would share
one core; processes use them all. Workers fork from a forkserver that imported
pressfeed once, so starting them is cheap and safe beside threads.

Workers die with the process that started them, even when it is SIGKILLed:
each watches a pipe whose only write end that process holds (EOF = it is gone)
and, on Linux, also gets SIGKILL from the kernel when its own parent (the
forkserver) dies. Neither workers nor the forkserver keep the caller's stdout
or stderr open, so a pipe reading them (cron's mailer, `| logger`) sees EOF
when the command dies.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, cast

from .stops import deferred

if TYPE_CHECKING:
    from concurrent.futures import Executor
    from multiprocessing.connection import Connection

#: the most processes a pool gets, whatever the core count
MAX_WORKERS = 4


def _pool_class() -> Any:
    """concurrent.futures' ProcessPoolExecutor, imported when a pool starts (this module's attribute:
    tests count pools by replacing it)."""
    return sys.modules[__name__].ProcessPoolExecutor


def __getattr__(name: str) -> Any:
    if name == "ProcessPoolExecutor":
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    import multiprocessing  # here: commands that start no worker never import it

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        # a forkserver starts once per process, with the preload of the first pool
        context.set_forkserver_preload(["pressfeed._forkserver", preload])
    # the workers get the read end; this process alone holds the write end, and never writes
    watch, lifeline = context.Pipe(duplex=False)
    try:
        with deferred():
            made = _pool_class()(max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(watch,))
        pool = _Deferring(made)
        try:
            pool.submit(os.getpid)  # start the workers now, while the caller's first downloads run
            yield cast("Executor", pool)  # (an Executor in all but name: the pool's own, its submit deferring stops)
            pool.shutdown(wait=True)
        except BaseException:
            # the command is failing or interrupted (Ctrl-C, SIGTERM): the jobs queued are dropped, and only those
            # running finish. Not killed: one killed while sending its result leaves half a message on the pool's
            # pipe, which this process also holds open, and the pool's thread waits for the rest for ever
            with deferred():
                _drop_unsent(made)
                pool.shutdown(wait=True, cancel_futures=True)
            raise
    finally:
        lifeline.close()
        watch.close()


def _drop_unsent(pool: Any) -> None:
    """Let the process exit without sending the jobs still on their way to the workers (the pool's private call
    queue). With its workers gone (died: the pool broken), a large job half written into the pipe blocked the
    queue's feeder thread for good, and the exit waited for that thread: a stopped ingest hung after saying so (an
    attack whose workers died at start, ~1 run in 30)."""
    calls = getattr(pool, "_call_queue", None)
    if calls is not None:
        calls.cancel_join_thread()


class _Deferring:
    """A pool whose submit runs as a step a stop waits for (pressfeed.stops.deferred): a job submitted may start
    a worker process. The rest is the pool's."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        with deferred():
            return self._pool.submit(fn, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


class LazyPool:
    """A worker pool started by the first job that wants it: an ingest where every feed answers 304
    parses nothing and starts no process (see :func:`lazy_pool`)."""

    def __init__(self, workers: int, preload: str) -> None:
        self.workers, self.preload = workers, preload
        self._stack = ExitStack()  # the current pool's: a renewed pool gets a new one
        self._lock = threading.Lock()
        self._pool: Executor | None = None
        self._ready = False
        self._starting: Any = None  # the asyncio future of the start, once one began

    def get(self) -> Executor | None:
        """The pool (None: work inline), started now if it was not yet; blocks while it starts."""
        with self._lock:
            if not self._ready:
                self._pool = self._stack.enter_context(worker_pool(self.workers, self.preload))
                self._ready = True
        return self._pool

    async def ready(self) -> Executor | None:
        """:meth:`get` for a coroutine: the pool starts on one thread, so downloads go on meanwhile
        (and every other coroutine that wants it waits for that one start)."""
        if self._ready or self.workers < 1:
            return self._pool
        import asyncio

        if self._starting is None:
            self._starting = asyncio.ensure_future(asyncio.to_thread(self.get))
        return await asyncio.shield(self._starting)

    def renew(self, broken: Executor) -> None:
        """Replace `broken`, if it is still the pool: the next :meth:`ready` starts a new one.

        A worker process that dies (the kernel's OOM killer, a crash in a C
        extension on a hostile document) breaks the whole pool: every job in
        it fails. The sources after it must not fail with it. Many jobs see the
        same break; only the first call replaces the pool. The broken pool's
        other workers are terminated by concurrent.futures; closing it reaps them.
        """
        with self._lock:
            if broken is not self._pool:
                return
            stack, self._stack = self._stack, ExitStack()
            self._pool, self._ready, self._starting = None, False, None
        stack.close()

    def close(self, failure: BaseException | None = None) -> None:
        """Shut the pool down: after its jobs, or at once on a `failure` (an error, an interrupt)."""
        if failure is None:
            self._stack.close()
        else:
            self._stack.__exit__(type(failure), failure, failure.__traceback__)


@contextmanager
def lazy_pool(workers: int, preload: str) -> Iterator[LazyPool]:
    """A :class:`LazyPool`, shut down (if it ever started) when the block ends."""
    pool = LazyPool(workers, preload)
    try:
        yield pool
    except BaseException as exc:
        pool.close(exc)
        raise
    pool.close()


def _init_worker(watch: Connection) -> None:
    """Runs first in every worker process."""
    detach_stdio()
    _die_with_parent()
    threading.Thread(target=_exit_on_eof, args=(watch,), name="pressfeed-lifeline", daemon=True).start()


def _exit_on_eof(watch: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        watch.recv_bytes()  # nothing is ever sent: this returns only when the caller is gone
    os._exit(1)


#: prctl(2) option: the signal the kernel sends this process when its parent dies
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: SIGKILL when the parent (the forkserver) dies; elsewhere the lifeline pipe alone."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def detach_stdio() -> None:
    """Point file descriptors 1 and 2 at /dev/null: the caller's pipes must close when it dies.

    Workers report results and errors through the pool, never by printing.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            os.dup2(devnull, fd)
    finally:
        os.close(devnull)
