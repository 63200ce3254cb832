"""The lab clock: fixed at start, moved only on purpose.

Lessons must print the same dates every run (nbval compares them), and a lesson
on credential expiry must not wait an hour. So time in the lab stands still until
a lesson calls `lab.clock.advance(...)`.
"""

from __future__ import annotations

import datetime as dt
import threading

ARTICLE_TIME = dt.datetime(2021, 1, 17, 5, 44, 34, tzinfo=dt.timezone.utc)  # 14:44:34 in Seoul


class LabClock:
    def __init__(self, start: dt.datetime = ARTICLE_TIME):
        if start.tzinfo is None:
            start = start.replace(tzinfo=dt.timezone.utc)
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        """The lab's current time, timezone-aware UTC."""
        return self._now

    def utcnow_naive(self) -> dt.datetime:
        """The lab's time as moto stores it (naive UTC)."""
        return self._now.replace(tzinfo=None)

    def advance(self, *, seconds: float = 0, minutes: float = 0, hours: float = 0) -> dt.datetime:
        """Move the lab forward, e.g. past a session's expiry, and return the new time."""
        step = dt.timedelta(seconds=seconds, minutes=minutes, hours=hours)
        if step < dt.timedelta(0):
            raise ValueError("the lab clock only moves forward")
        with self._lock:
            self._now += step
        return self._now

    def __repr__(self) -> str:
        return f"LabClock({self._now.isoformat()})"
