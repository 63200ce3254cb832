"""The lab clock: real time, moved forward only on purpose.

Credentials the lab issues must be valid by any client's clock (the AWS CLI, boto3
and the JavaScript SDK all compare `Expiration` with their own time), so the lab
follows the wall clock. A lesson on credential expiry must not wait an hour, so
`advance(...)` adds an offset: from then on the lab's time is real time plus it.
"""

from __future__ import annotations

import datetime as dt
import threading


class LabClock:
    def __init__(self):
        self._offset = dt.timedelta(0)
        self._lock = threading.Lock()

    @property
    def offset(self) -> dt.timedelta:
        """How far lessons have moved the lab ahead of real time."""
        return self._offset

    def now(self) -> dt.datetime:
        """The lab's current time, timezone-aware UTC."""
        return dt.datetime.now(dt.timezone.utc) + self._offset

    def utcnow_naive(self) -> dt.datetime:
        """The lab's time as moto stores it (naive UTC)."""
        return self.now().replace(tzinfo=None)

    def advance(self, *, seconds: float = 0, minutes: float = 0, hours: float = 0) -> dt.datetime:
        """Move the lab forward, e.g. past a session's expiry, and return the new time."""
        step = dt.timedelta(seconds=seconds, minutes=minutes, hours=hours)
        if step < dt.timedelta(0):
            raise ValueError("the lab clock only moves forward")
        with self._lock:
            self._offset += step
        return self.now()

    def __repr__(self) -> str:
        return f"LabClock({self.now().isoformat(timespec='seconds')}, offset={self._offset})"
