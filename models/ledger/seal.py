"""Tamper evidence: journal entries chained into HMAC checkpoints, in order, by a job.

Writers do nothing extra. The sealer covers a range of *transaction ids* on PostgreSQL: it
reads the oldest transaction still running (the snapshot's xmin) and seals every entry
written by an older transaction — all of them are committed (or gone) by then, so an entry
with a lower id that commits after a higher one is sealed in the next checkpoint, never
skipped. SQLite has one writer at a time, so ids commit in order and the range is of ids.

Each checkpoint lists [entry id, digest of the entry and its postings] and carries
HMAC(key, previous mac + that list). `verify_chain` recomputes both and names the first
entry changed, removed, or slipped into a sealed range behind the application's back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections import defaultdict

from flask import current_app
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from models.base import utcnow
from models.db import is_postgres
from models.ledger.internals import E
from models.ledger.tables import Checkpoint, Posting

log = logging.getLogger("saathi.ledger.seal")
BATCH = 20_000
GENESIS = "0" * 64
_LOCK_ID = 0x5EA1ED  # advisory lock: one sealer at a time
# The oldest transaction still running that could write here: the snapshot's in-progress
# xids, less those a backend of another database owns (unattributed ones count as ours).
# Without a running one, the next xid to be assigned.
_HORIZON = text("""
WITH s AS (SELECT pg_current_snapshot() AS snap),
others AS (SELECT backend_xid::text::bigint AS xid32 FROM pg_stat_activity
           WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database())
SELECT coalesce(
  (SELECT min(x::text::bigint) FROM s, pg_snapshot_xip(s.snap) AS x
   WHERE x::text::bigint % 4294967296 NOT IN (SELECT xid32 FROM others)),
  (SELECT pg_snapshot_xmax(snap)::text::bigint FROM s))
""")


def seal_key() -> bytes:
    key = current_app.config.get("LEDGER_SEAL_KEY") or ""
    if not key:
        log.warning("LEDGER_SEAL_KEY is not set; deriving the seal key from SECRET_KEY")
        key = "ledger-seal:" + current_app.config["SECRET_KEY"]
    return key.encode()


def _digest(entry, postings: list[tuple[int, int]]) -> str:
    body = [entry.id, entry.key, entry.program_id, entry.partner_id, entry.cause,
            entry.cause_ref, entry.description, entry.actor, entry.credits, entry.volume,
            entry.reverses_id, bool(entry.queued), entry.review_item_id,
            entry.created_at.isoformat(), sorted(postings)]
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _mac(key: bytes, prev: str, basis: str, lo: int, hi: int, entries: list) -> str:
    message = json.dumps([prev, basis, lo, hi, entries], separators=(",", ":")).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _postings_of(session: Session, ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        for entry_id, account_id, amount in session.execute(
                select(Posting.entry_id, Posting.account_id, Posting.amount)
                .where(Posting.entry_id.in_(chunk))):
            found[entry_id].append((account_id, amount))
    return found


def _entries(session: Session, column, lo: int, hi: int) -> list:
    return list(session.execute(select(E).where(column >= lo, column < hi)
                                .order_by(column, E.c.id)))


def _range(session: Session, basis: str, lo: int) -> tuple[int, list]:
    """Return (hi, entries) of the next range to seal, at most about BATCH entries."""
    column = E.c.txid if basis == "txid" else E.c.id
    if basis == "txid":
        hi = int(session.scalar(_HORIZON))
    else:
        hi = int(session.scalar(select(func.coalesce(func.max(E.c.id), 0)))) + 1
    beyond = session.scalar(select(column).where(column >= lo, column < hi)
                            .order_by(column).offset(BATCH).limit(1))
    if beyond is not None:  # too many: stop the range at a transaction (or id) boundary
        start = session.scalar(select(func.min(column)).where(column >= lo))
        hi = max(int(beyond), int(start) + 1)
    return hi, _entries(session, column, lo, hi)


def _last(session: Session) -> Checkpoint | None:
    return session.scalars(select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1)).first()


def unsealed(session: Session):
    """A condition on journal entries: written after the last checkpoint's range."""
    last = _last(session)
    basis = E.c.txid if is_postgres(session) else E.c.id
    return basis >= (last.range_hi if last else 0)


def seal(session: Session) -> Checkpoint | None:
    """Seal the entries written since the last checkpoint; return the new checkpoint."""
    basis = "txid" if is_postgres(session) else "id"
    if basis == "txid":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    last = _last(session)
    lo = last.range_hi if last else 0
    hi, rows = _range(session, basis, lo)
    if not rows:
        return None
    postings = _postings_of(session, [r.id for r in rows])
    listed = sorted([r.id, _digest(r, postings.get(r.id, []))] for r in rows)
    prev = last.mac if last else GENESIS
    mac = _mac(seal_key(), prev, basis, lo, hi, listed)
    checkpoint_id = session.execute(insert(Checkpoint).values(
        basis=basis, range_lo=lo, range_hi=hi, entries=listed, prev_mac=prev, mac=mac,
        created_at=utcnow()).returning(Checkpoint.id)).scalar_one()
    log.info("ledger sealed", extra={"checkpoint": checkpoint_id, "entries": len(listed)})
    return session.get(Checkpoint, checkpoint_id)


def seal_all(session: Session) -> int:
    """Seal until nothing is left; return the number of checkpoints written."""
    count = 0
    while seal(session) is not None:
        count += 1
    return count


def verify_chain(session: Session) -> list[str]:
    """Recompute every checkpoint; return the problems found, first one first."""
    key, prev, problems = seal_key(), GENESIS, []
    for cp in session.scalars(select(Checkpoint).order_by(Checkpoint.id)):
        if cp.prev_mac != prev or _mac(key, prev, cp.basis, cp.range_lo, cp.range_hi,
                                       cp.entries) != cp.mac:
            problems.append(f"checkpoint {cp.id} does not match its seal (edited or removed)")
            break
        prev = cp.mac
        column = E.c.txid if cp.basis == "txid" else E.c.id
        rows = {r.id: r for r in _entries(session, column, cp.range_lo, cp.range_hi)}
        postings = _postings_of(session, [entry_id for entry_id, _ in cp.entries])
        for entry_id, digest in cp.entries:
            row = rows.pop(entry_id, None)
            if row is None:
                row = session.execute(select(E).where(E.c.id == entry_id)).first()
                if row is None:
                    problems.append(f"entry {entry_id} was removed after checkpoint {cp.id}")
                    continue
            if _digest(row, postings.get(entry_id, [])) != digest:
                problems.append(f"entry {entry_id} ({row.key}) was changed after "
                                f"checkpoint {cp.id}")
        problems += [f"entry {entry_id} ({row.key}) appeared in the range of checkpoint "
                     f"{cp.id} without being sealed" for entry_id, row in sorted(rows.items())]
    if is_postgres(session):
        problems += [f"entry {entry_id} has no transaction id: written outside the ledger"
                     for entry_id in session.scalars(select(E.c.id).where(E.c.txid.is_(None)))]
    return problems
