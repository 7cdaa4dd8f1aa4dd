"""How a command stops on a signal, and the few steps a stop waits for.

SIGTERM and SIGHUP (a cron timeout, systemd, a closed terminal) stop a command
as Ctrl-C does: :class:`pressfeed.errors.Interrupted` is raised in the main
thread, and the command unwinds (temp files removed, the store's transaction
rolled back, the lock released). Raised inside a worker pool's own steps, it
left the pool broken for good (:func:`deferred`): those steps finish first.
While an event loop runs (:func:`run_coroutine`), a stop cancels its task
instead, and is raised when the loop has closed.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from .errors import Interrupted

__all__ = ["deferred", "install", "run_coroutine"]

T = TypeVar("T")

#: the signals that stop a command besides Ctrl-C's SIGINT
STOPS = (signal.SIGTERM, signal.SIGHUP)

#: (main thread only: a signal's handler runs there) how deep in deferred steps, and the stop they hold back
_depth = 0
_held: int | None = None
#: (main thread only) while an event loop runs there (:func:`run_coroutine`): what a stop does instead of raising
_redirect: Callable[[int], None] | None = None


def install() -> None:
    """Stop on SIGINT, SIGTERM and SIGHUP by raising Interrupted (deferred where :func:`deferred` says). A
    signal the caller ignores (`nohup`) stays ignored, and a handler someone else installed stays."""
    for signum in (signal.SIGINT, *STOPS):
        if signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(signum, stop)


def stop(signum: int, frame: object = None) -> None:
    """The handler: Interrupted now, or when the deferred steps under way end."""
    global _held
    if _depth:
        _held = _held or signum
        return
    _raise(signum)


def _raise(signum: int) -> None:
    if _redirect is not None:
        _redirect(signum)
        return
    raise Interrupted(signum)


def run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run(coro), stopped by a signal as asyncio stops it on Ctrl-C: its task is cancelled (it unwinds at
    its next await), and Interrupted is raised once the loop is closed; a second stop raises it at once, as a
    second Ctrl-C does in asyncio (a task that does not unwind would hold the shutdown, and the site's lock).

    Raised between two of the loop's own steps, Interrupted could land after the loop took a task's step off its
    queue and before it ran it: that task never ran again, and the loop's shutdown (which cancels every task and
    waits for them) waited for it for ever, holding the site's lock (an attack, forcing the moment: 9 runs of 16).
    """
    import asyncio

    global _redirect
    if threading.current_thread() is not threading.main_thread() or _redirect is not None:
        return asyncio.run(coro)
    stopped: list[int] = []
    result: T | None = None
    runner = asyncio.Runner()
    escaped = False
    try:
        loop = runner.get_loop()
        task = loop.create_task(coro)

        def redirect(signum: int) -> None:
            if stopped:  # a second stop: the shutdown the first began hangs (a task that will not unwind)
                raise Interrupted(stopped[0])
            stopped.append(signum)
            if not loop.is_closed():  # (closing: Interrupted follows anyway)
                loop.call_soon_threadsafe(task.cancel)

        _redirect = redirect
        try:
            result = loop.run_until_complete(task)
        except Interrupted:
            escaped = bool(stopped)  # the second stop: out at once, the loop left as it is (closing it hangs)
            raise
        except BaseException:
            if not stopped:
                raise  # (after a stop, whatever the cancelled task ended with: the stop is what happened)
    finally:
        try:
            if not escaped:
                runner.close()  # (the redirect still set: its shutdown runs steps a stop must not cut short too)
        finally:
            _redirect = None
    if stopped:
        raise Interrupted(stopped[0])
    return result  # type: ignore[return-value]


@contextmanager
def deferred() -> Iterator[None]:
    """Steps a stop must not cut short: a signal's Interrupted is raised when they end.

    A worker pool's: raised inside its submit, a worker started but not yet counted took the sentinel meant
    for another, which waited for work for ever while the pool waited for it to end (a SIGTERM loop: one
    import in ~30 hung, holding the site's lock); a manager thread made but not started made the shutdown
    fail ("cannot join thread before it is started", exit 1). The handler runs in the main thread whichever
    thread the kernel gives the signal to, so holding it there is enough; other threads are never cut short.
    """
    global _depth, _held
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _held is not None:
            signum, _held = _held, None
            _raise(signum)
