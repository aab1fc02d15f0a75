"""What is waiting, and what is stuck: one line per place where work piles up when a worker,
the scheduler, a payout provider or a reviewer stops. `flask status` prints it and exits
non-zero when something is stuck; `/admin/status` serves it as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.jobs.heartbeats import last
from models.jobs.records import OPEN, JobRecord, JobStatus
from models.ledger.seal import unsealed
from models.ledger.tables import JournalEntry
from models.messaging.inbox import InboxMessage, InboxStatus
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.redemptions.redemption import Redemption, Status
from models.review.queue import ReviewItem, ReviewStatus


@dataclass(frozen=True)
class Pile:
    name: str
    count: int
    oldest: datetime | None
    limit: timedelta  # the oldest may wait this long; beyond it the pile is stuck
    fix: str  # what usually clears it
    unreachable: bool = False  # the pile could not be read: stuck by definition
    tick: bool = False  # not a pile but a heartbeat: `oldest` is its last beat, no count

    def stuck(self, now: datetime) -> bool:
        return self.unreachable or (self.oldest is not None and now - self.oldest > self.limit)


# name, table timestamp, where, limit, fix. The limits are a few runs of the job that clears
# each pile (workers/schedule.py runs the sweeps and the sealer every minute).
_PILES = (
    ("messages not answered", InboxMessage.received_at,
     InboxMessage.status == InboxStatus.RECEIVED, timedelta(minutes=5),
     "the inbox sweep answers them: is `flask scheduler` running?"),
    ("proactive messages not sent", OutboxMessage.created_at,
     OutboxMessage.status == OutboxStatus.QUEUED, timedelta(minutes=10),
     "`flask worker` sends them; the outbox sweep re-queues lost ones"),
    ("SMS refused: no DLT template", OutboxMessage.created_at,
     OutboxMessage.status == OutboxStatus.REFUSED, timedelta(0),
     "each went as the fallback template; the log line 'sms refused: no DLT template' names "
     "the shapes: write them (`.venv/bin/python scripts/dlt_templates.py --flows`, `flask "
     "programs dlt FILE`), register them on the DLT portal, put their ids in, then `flask "
     "outbox retry-refused` sends the SMS"),
    ("payouts in flight", Redemption.created_at, Redemption.status == Status.PROCESSING,
     timedelta(hours=2), "the payout sweep polls the provider; `flask redemptions list`"),
    ("jobs not done", JobRecord.created_at, JobRecord.status.in_(OPEN), timedelta(minutes=10),
     "`flask worker` runs them; the job sweep re-sends lost ones: is the scheduler running?"),
    ("jobs given up", JobRecord.updated_at, JobRecord.status == JobStatus.FAILED, timedelta(0),
     "`flask jobs failed` shows why; fix the cause, then `flask jobs retry --all`"),
    ("review items pending", ReviewItem.created_at, ReviewItem.status == ReviewStatus.PENDING,
     timedelta(days=2), "`flask review list`, then approve or reject"),
)
_UNSEALED = ("ledger entries not sealed", timedelta(minutes=10),
             "the sealer runs every minute from `flask scheduler`")
_SCHEDULER = ("scheduler", timedelta(minutes=3),
              "start `flask scheduler` (one per deployment, beside the workers; without Redis "
              "the web server runs it)")


def piles(session: Session) -> list[Pile]:
    """Count what waits in each pile, and when the oldest of it arrived."""
    found = []
    for name, at, where, limit, fix in _PILES:
        count, oldest = session.execute(select(func.count(), func.min(at)).where(where)).one()
        found.append(Pile(name, count, oldest, limit, fix))
    name, limit, fix = _UNSEALED
    count, oldest = session.execute(select(func.count(), func.min(JournalEntry.created_at))
                                    .where(unsealed(session))).one()
    found.append(Pile(name, count, oldest, limit, fix))
    name, limit, fix = _SCHEDULER
    ticked = last(session, "scheduler")  # never ticked: a fresh install, not stuck
    found.append(Pile(name, int(ticked is not None), ticked, limit, fix, tick=True))
    return found


def stuck(found: list[Pile], now: datetime | None = None) -> list[Pile]:
    now = now or utcnow()
    return [pile for pile in found if pile.stuck(now)]
