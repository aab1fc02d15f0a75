"""Learning progress: module deliveries, quiz attempts and the rules on when a quiz may start."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, and_, bindparam, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, BigId, Json, UTCDateTime, ist_day_start, utcnow
from models.programs.program import Program
from models.programs.tracks import LearningContent, Question, Track


class AttemptStatus(StrEnum):
    OPEN = "open"
    PASSED = "passed"
    FAILED = "failed"


class ModuleDelivery(Base):
    """One module sent to a partner at one version: when it started and when it was read."""

    __tablename__ = "learning_deliveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    module_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    parts_sent: Mapped[int] = mapped_column(Integer, default=1)
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    track: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(10), default=AttemptStatus.OPEN)
    answers: Mapped[list] = mapped_column(Json, default=list)  # [[question ref, chosen, right]]
    score: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def content_of(program: Program) -> LearningContent:
    """Return the program's learning content (its `tracks` section; empty if it has none)."""
    return program.spec.tracks or LearningContent()


def completed_modules(session: Session, partner_id: int, program: Program) -> set[str]:
    """Module ids this partner has read to the end at their current version."""
    content = content_of(program)
    rows = session.execute(_COMPLETED, {"partner_id": partner_id, "program_id": program.id})
    current = {m.id: m.version for m in content.modules}
    return {mid for mid, version in rows if current.get(mid) == version}


# The learning screens' statements, built once (building one cost about what running it does).
_COMPLETED = select(ModuleDelivery.module_id, ModuleDelivery.version).where(
    ModuleDelivery.partner_id == bindparam("partner_id"),
    ModuleDelivery.program_id == bindparam("program_id"),
    ModuleDelivery.completed_at.is_not(None))


def deliver(session: Session, partner_id: int, program: Program, module_id: str
            ) -> ModuleDelivery:
    """Record that a module's first part was sent now."""
    module = content_of(program).module(module_id)
    row = ModuleDelivery(partner_id=partner_id, program_id=program.id, module_id=module_id,
                         version=module.version, delivered_at=utcnow())
    session.add(row)
    session.flush()
    return row


def part_sent(session: Session, delivery_id: int) -> None:
    """Count one more part of a delivered module as sent."""
    row = session.get(ModuleDelivery, delivery_id)
    if row is not None:
        row.parts_sent += 1


def complete(session: Session, delivery_id: int) -> None:
    """Mark a delivered module as read to the end."""
    row = session.get(ModuleDelivery, delivery_id)
    if row is not None and row.completed_at is None:
        row.completed_at = utcnow()


class QuizClosed(Exception):
    """The quiz cannot start yet: `reason` is "too_soon", "daily_limit" or "cooldown", and `n`
    the minutes to wait (or the attempts a day) the flow tells the partner."""

    def __init__(self, reason: str, n: int) -> None:
        super().__init__(reason)
        self.reason, self.n = reason, n


def _minutes_left(until: datetime) -> int:
    return max(1, -int((utcnow() - until).total_seconds() // 60))


def _attempts_statement():
    """The attempts that decide, in one query: an unfinished one, today's, the failed ones
    still cooling down."""
    is_unfinished = and_(QuizAttempt.status == AttemptStatus.OPEN,
                         QuizAttempt.version == bindparam("version"))
    is_cooling = and_(QuizAttempt.status == AttemptStatus.FAILED,
                      QuizAttempt.finished_at > bindparam("cooling_since"))
    return select(QuizAttempt).where(
        QuizAttempt.partner_id == bindparam("partner_id"),
        QuizAttempt.program_id == bindparam("program_id"),
        QuizAttempt.track == bindparam("track"),
        or_(is_unfinished, QuizAttempt.started_at >= bindparam("day_start"), is_cooling)
    ).order_by(QuizAttempt.id)


_ATTEMPTS = _attempts_statement()
_LAST_READ = select(func.max(ModuleDelivery.delivered_at)).where(
    ModuleDelivery.partner_id == bindparam("partner_id"),
    ModuleDelivery.program_id == bindparam("program_id"),
    ModuleDelivery.module_id.in_(bindparam("modules", expanding=True)))


def start_attempt(session: Session, partner_id: int, program: Program, track: Track
                  ) -> QuizAttempt:
    """Open (or resume) a quiz attempt, or raise QuizClosed (too soon, cooldown, daily cap)."""
    rules, now = content_of(program).rules, utcnow()
    version = content_of(program).version_of(track)
    day_start = ist_day_start(now)
    cooling_since = now - timedelta(minutes=rules.cooldown_minutes)
    attempts = list(session.scalars(_ATTEMPTS, {
        "partner_id": partner_id, "program_id": program.id, "track": track.code,
        "version": version, "day_start": day_start, "cooling_since": cooling_since}))
    unfinished = [a for a in attempts if a.status == AttemptStatus.OPEN and a.version == version]
    if unfinished:
        return unfinished[0]  # resume: restarting must not reshuffle a hard question away
    last_read = session.scalar(_LAST_READ, {"partner_id": partner_id, "program_id": program.id,
                                            "modules": list(track.modules)})
    if last_read is not None:
        opens = last_read + timedelta(minutes=rules.min_minutes_after_module)
        if now < opens:
            raise QuizClosed("too_soon", _minutes_left(opens))
    if sum(a.started_at >= day_start for a in attempts) >= rules.max_attempts_per_day:
        raise QuizClosed("daily_limit", rules.max_attempts_per_day)
    cooling = [a.finished_at for a in attempts
               if a.status == AttemptStatus.FAILED and a.finished_at > cooling_since]
    if cooling:
        opens = max(cooling) + timedelta(minutes=rules.cooldown_minutes)
        if now < opens:
            raise QuizClosed("cooldown", _minutes_left(opens))
    attempt = QuizAttempt(partner_id=partner_id, program_id=program.id, track=track.code,
                          version=version, seed=secrets.randbelow(2**31),
                          started_at=now)
    session.add(attempt)
    session.flush()
    return attempt


def record_answer(attempt: QuizAttempt, ref: str, chosen: int, right: bool) -> None:
    """Store one answer (ref = "<module>#<n>"; chosen = the option index as written)."""
    attempt.answers = [*attempt.answers, [ref, chosen, right]]
    attempt.score += int(right)


def finish(attempt: QuizAttempt, track: Track, total: int) -> bool:
    """Close the attempt with its score; return whether it passed."""
    attempt.total = total
    passed = attempt.score * 100 >= track.pass_percent * total
    attempt.status = AttemptStatus.PASSED if passed else AttemptStatus.FAILED
    attempt.finished_at = utcnow()
    return passed


def question(content: LearningContent, ref: str) -> Question:
    """Return the question a ref like "cem-grades#0" names."""
    module_id, _, n = ref.partition("#")
    return content.module(module_id).questions[int(n)]


def quiz_plan(content: LearningContent, track: Track, seed: int) -> list[tuple[str, list[int]]]:
    """The attempt's questions (refs) and each one's option order, the same for one seed."""
    rng = random.Random(seed)
    refs = [f"{m.id}#{n}" for m in content.modules_of(track) for n in range(len(m.questions))]
    refs = rng.sample(refs, min(track.quiz_size or len(refs), len(refs)))
    plan = []
    for ref in refs:
        order = list(range(len(question(content, ref).options)))
        rng.shuffle(order)
        plan.append((ref, order))
    return plan
