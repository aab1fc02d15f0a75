"""Quiet hours: the hours of the night (IST) when no non-urgent proactive message goes out.

One rule for everything that waits for the morning: a program's notices and campaigns
(default 21:00-09:00, the program YAML's `quiet_hours`) and promotional SMS under TRAI's rules.
A held outbox row carries `not_before`; the outbox sweep sends it once that has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from models.base import IST


@dataclass(frozen=True)
class QuietHours:
    """Quiet from `start` to `end` IST; `start > end` spans midnight (21:00-09:00)."""

    start: time = time(21)
    end: time = time(9)

    def quiet_at(self, moment: datetime) -> bool:
        now = moment.astimezone(IST).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def release(self, moment: datetime) -> datetime | None:
        """None if a message may go at `moment`; else the end of these quiet hours."""
        if not self.quiet_at(moment):
            return None
        local = moment.astimezone(IST)
        day = local.date() + timedelta(days=1) if local.time() >= self.end else local.date()
        return datetime.combine(day, self.end, IST)

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """"21:00-09:00" (IST); "off" or "" for none."""
        if text.strip().lower() in ("", "off"):
            return cls(time(0), time(0))
        start, _, end = text.partition("-")
        return cls(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))


DEFAULT = QuietHours()
