"""A wall-clock limit on a block of work, for `factdb ingest --article-timeout`.

An article that takes pathologically long to parse must not hold up a cron run forever: the
block is interrupted with `TimeLimitExceeded` and the caller rejects that one article. The
limit uses ``SIGALRM`` (an interval timer), so it applies in the main thread of a process (the
ingesting process, or an extraction worker); elsewhere, or where the platform lacks interval
timers, the block simply runs without a limit.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimitExceeded(Exception):
    """The block ran longer than its limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds


def _can_limit() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `TimeLimitExceeded` inside the block once it has run `seconds` (None: no limit)."""
    if not seconds or seconds <= 0 or not _can_limit():
        yield
        return

    def _expired(_signum: int, _frame: FrameType | None) -> None:
        raise TimeLimitExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
