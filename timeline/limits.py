"""A time limit per document, so that one pathological article cannot stall a whole run.

The limit grows with the document: ``BASE_SECONDS`` plus ``SECONDS_PER_MB`` for each million
characters, far above what a real article needs (about 2 s per MB on a slow machine), so that
only text that sends the engine into a pathological case meets it. It is enforced with a
SIGALRM timer, which also interrupts a regular expression in progress; where there is no such
timer (Windows, a thread other than the main one, as in Dask's workers) it is not enforced.
"""

from __future__ import annotations

import contextlib
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
    if (seconds is None or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
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
