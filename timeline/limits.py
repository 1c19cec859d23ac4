"""A time limit per document, so that one pathological article cannot stall a whole run.

The limit grows with the document: ``BASE_SECONDS`` plus ``SECONDS_PER_MB`` for each million
characters, far above what a real article needs (about 2 s per MB on a slow machine), so that
only text that sends the engine into a pathological case meets it. In the main thread it is
enforced with a SIGALRM timer, which also interrupts a regular expression in progress (where
there is no such timer, on Windows, it is not enforced). In another thread (a Dask worker's) a
timer thread raises ``TooSlow`` in it asynchronously (CPython's ``PyThreadState_SetAsyncExc``):
that takes effect between two steps of Python code, so it stops a loop of the engine however
long, but one call into C code (a single regular expression) runs to its end first.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
from collections.abc import Iterator

BASE_SECONDS = 60.0
SECONDS_PER_MB = 30.0


class TooSlow(Exception):
    """A document took longer than its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"skipped: not done within its time limit ({seconds:.0f} s)")
        self.seconds = seconds


def limit_for(text: str, base: float | None = None) -> float:
    """The time limit of a document of ``text``, in seconds."""
    base = BASE_SECONDS if base is None else base
    return base + SECONDS_PER_MB * len(text) / 1_000_000


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``TooSlow`` in the block when it runs longer than ``seconds`` (None: no limit)."""
    if seconds is None:
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        with _thread_limit(seconds):
            yield
        return
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise TooSlow(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _thread_limit(seconds: float) -> Iterator[None]:
    """``time_limit`` in a thread other than the main one: a timer thread raises a ``TooSlow``
    in this one when the time is up, unless the block is over by then. An exception that is
    still pending when the block ends is withdrawn, so that it can never surface after it."""
    raise_in = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if raise_in is None:  # not CPython: no limit, as before
        yield
        return

    class Expired(TooSlow):  # raised as Expired(), with no arguments
        def __init__(self) -> None:
            super().__init__(seconds)

    thread = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"running": True, "raised": False}

    def expire() -> None:
        with lock:
            if state["running"]:
                state["raised"] = True
                raise_in(thread, ctypes.py_object(Expired))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    try:
        timer.start()
        yield
    finally:
        with lock:
            state["running"] = False
            if state["raised"]:
                raise_in(thread, None)  # not raised yet: withdrawn
        timer.cancel()
