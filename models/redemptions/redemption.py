"""Redemptions: check the limits, confirm with an OTP, hold the credits, hand off to a job.

    awaiting_otp ──OTP──▶ processing ──job──▶ completed   (paid, or voucher issued)
         │                    │                 failed     (credits released)
         ▼                    ▼                 reversed   (credits released)
      cancelled           cancelled (only before the provider was asked)

Limits are checked before the OTP is sent and again, under the wallet lock, when it is
confirmed: partner status, tier, stock, balance and the program's daily cap.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models import events, keys, ledger, pii
from models.base import INPUT, Base, BigId, UTCDateTime, column_length, ist_day_start, utcnow
from models.partners.partner import VPA_MAX, Partner, PartnerStatus
from models.programs.catalog import CatalogItem, ItemKind, catalog_of, rupees_paise
from models.programs.program import Program
from models.redemptions import otp, stock

OTP_PURPOSE = "redeem"
VPA_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,49}@[A-Za-z][A-Za-z0-9]{1,29}$")


class Status(StrEnum):
    AWAITING_OTP = "awaiting_otp"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    REVERSED = "reversed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # a distributor voucher nobody used; its credits came back


COUNTED = (Status.PROCESSING, Status.COMPLETED)  # what the daily cap adds up


class Refused(Exception):
    """The redemption may not go ahead; `reason` is one of the REASONS keys in flows."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class Redemption(Base):
    __tablename__ = "redemptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    item_key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    credits: Mapped[int] = mapped_column(BigInteger)
    value_paise: Mapped[int] = mapped_column(BigInteger)
    vpa_sealed: Mapped[str | None] = mapped_column(String(pii.sealed_length(VPA_MAX)))
    status: Mapped[str] = mapped_column(String(16), default=Status.AWAITING_OTP, index=True)
    hold_id: Mapped[int | None] = mapped_column(BigInteger)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # provider was asked
    payout_id: Mapped[str | None] = mapped_column(String(64), index=True, info=INPUT)
    payout_status: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(200), info=INPUT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def vpa(self) -> str | None:
        """The UPI id paid to, in clear (stored sealed: models/pii.py)."""
        return pii.unseal(self.vpa_sealed) if self.vpa_sealed else None

    @vpa.setter
    def vpa(self, vpa: str | None) -> None:
        self.vpa_sealed = pii.seal(vpa) if vpa else None

    @property
    def reference(self) -> str:
        """Our reference for the provider; a new attempt (operator retry) gets a new one."""
        return f"saathi-r{self.id}-a{self.attempt}"


def valid_vpa(text: str) -> str | None:
    """Return the UPI id in `text` if it has the name@handle shape and fits the partner's
    column, else None."""
    vpa = text.strip()
    fits = len(vpa) <= VPA_MAX
    return vpa if fits and VPA_SHAPE.match(vpa) else None


def available(session: Session, partner_id: int, program_id: int) -> int:
    """Credits the partner can spend now (balance less holds and locked lots)."""
    return ledger.wallet_balance(session, partner_id, program_id).available


def affordable(session: Session, partner: Partner, program: Program
               ) -> list[CatalogItem]:
    """Catalog items open to this partner's tier that their available credits can buy."""
    have = available(session, partner.id, program.id)
    tier = tier_of(session, partner.id, program.id)
    items = catalog_of(program.spec.catalog).items
    return [i for i in items if i.open_to(tier) and i.lowest <= have]


def tier_of(session: Session, partner_id: int, program_id: int) -> str | None:
    """The partner's tier name in the program (None for programs without tiers)."""
    return ledger.current_tier(session, partner_id, program_id).name


def redeemed_today(session: Session, partner_id: int, program_id: int) -> int:
    """Credits redeemed (or in flight) by this partner since midnight IST."""
    start = ist_day_start(utcnow())
    stmt = select(func.coalesce(func.sum(Redemption.credits), 0)).where(
        Redemption.partner_id == partner_id, Redemption.program_id == program_id,
        Redemption.status.in_(COUNTED), Redemption.confirmed_at >= start,
        Redemption.confirmed_at < start + timedelta(days=1))
    return int(session.scalar(stmt) or 0)


def most_credits(session: Session, partner: Partner, program: Program, item: CatalogItem
                 ) -> int:
    """The most credits the partner can redeem on the UPI `item` now: the item's maximum,
    what they have and what today's cap leaves, on the item's steps (0 below its minimum)."""
    assert item.min_credits is not None and item.max_credits is not None
    limit = min(item.max_credits, available(session, partner.id, program.id))
    cap = catalog_of(program.spec.catalog).daily_cap_credits
    if cap is not None:
        limit = min(limit, cap - redeemed_today(session, partner.id, program.id))
    if limit < item.min_credits:
        return 0
    return limit - (limit - item.min_credits) % item.step_credits


def check(session: Session, partner: Partner, program: Program, item: CatalogItem,
          credits: int) -> None:
    """Raise Refused when this partner may not redeem `credits` on `item` now."""
    if partner.status == PartnerStatus.SUSPENDED:
        raise Refused("suspended")
    if partner.status == PartnerStatus.OPTED_OUT:
        raise Refused("opted_out")
    if not item.open_to(tier_of(session, partner.id, program.id)):
        raise Refused("tier")
    if credits > available(session, partner.id, program.id):
        raise Refused("balance")
    cap = catalog_of(program.spec.catalog).daily_cap_credits
    if cap is not None and redeemed_today(session, partner.id, program.id) + credits > cap:
        raise Refused("daily_cap")
    if item.kind == ItemKind.STOCK_CODE and not stock.in_stock(session, program.id, item.key):
        raise Refused("out_of_stock")
    if item.kind == ItemKind.DISTRIBUTOR_VOUCHER and \
            stock.distributor_for(session, partner, program) is None:
        raise Refused("no_distributor")


def start(session: Session, partner: Partner, program: Program, item: CatalogItem,
          credits: int, vpa: str | None) -> Redemption:
    """Check the limits, record the redemption and send the OTP by SMS."""
    check(session, partner, program, item, credits)
    if item.kind == ItemKind.UPI and (vpa is None or valid_vpa(vpa) is None):
        raise Refused("vpa")
    redemption = Redemption(partner_id=partner.id, program_id=program.id, item_key=item.key,
                            kind=item.kind, credits=credits, vpa=vpa,
                            value_paise=rupees_paise(credits, program.spec.credit_value_paise))
    session.add(redemption)
    session.flush()
    otp.issue(session, partner, purpose=OTP_PURPOSE, ref=str(redemption.id))
    return redemption


def lock(session: Session, redemption_id: int) -> Redemption | None:
    """Return the redemption with its row locked for this transaction."""
    return session.get(Redemption, redemption_id, with_for_update=True)


def confirm(session: Session, redemption: Redemption, code: str) -> None:
    """Check the OTP (raises otp.OtpError), hold the credits and queue the fulfilment job."""
    otp.verify(session, redemption.partner_id, purpose=OTP_PURPOSE, ref=str(redemption.id),
               code=code)
    partner = session.get(Partner, redemption.partner_id)
    program = session.get(Program, redemption.program_id)
    item = catalog_of(program.spec.catalog).item(redemption.item_key)
    if redemption.status != Status.AWAITING_OTP or item is None:
        raise Refused("stale")
    with session.begin_nested():  # a refusal below undoes the hold, not the OTP bookkeeping
        _hold(session, redemption)
        # The hold took the wallet lock: these checks cannot race another confirmation.
        check(session, partner, program, item, 0)
        cap = catalog_of(program.spec.catalog).daily_cap_credits
        if cap is not None and redeemed_today(session, partner.id, program.id) + \
                redemption.credits > cap:
            raise Refused("daily_cap")
    redemption.status, redemption.confirmed_at = Status.PROCESSING, utcnow()
    session.flush()
    events.record(session, events.RedemptionConfirmed(redemption.id))


def cancel_stale(session: Session) -> int:
    """Cancel redemptions whose OTP was never answered in time (they hold nothing)."""
    stale = session.scalars(select(Redemption).where(
        Redemption.status == Status.AWAITING_OTP,
        Redemption.created_at < utcnow() - otp.VALID_FOR - timedelta(minutes=5)))
    count = 0
    for redemption in stale:
        finish(redemption, Status.CANCELLED, "otp never confirmed")
        count += 1
    return count


def _hold(session: Session, redemption: Redemption) -> None:
    """Hold the credits for this attempt (Refused "balance" when they are not there)."""
    try:
        redemption.hold_id = ledger.hold(
            session, partner_id=redemption.partner_id, program_id=redemption.program_id,
            credits=redemption.credits,
            key=keys.redemption_attempt(redemption.id, redemption.attempt, "hold"),
            cause="redemption", cause_ref=f"redemption:{redemption.id}")
    except ledger.InsufficientCredits as exc:
        raise Refused("balance") from exc


def cancel(session: Session, redemption: Redemption, *, reason: str) -> bool:
    """Cancel before any provider was asked; release a hold. False when it is too late."""
    if redemption.status not in (Status.AWAITING_OTP, Status.PROCESSING) or \
            redemption.submitted_at is not None:
        return False
    if redemption.hold_id is not None:
        ledger.release(session, redemption.hold_id, key=keys.redemption(redemption.id, "cancel"))
    finish(redemption, Status.CANCELLED, reason)
    return True


def retry(session: Session, redemption: Redemption) -> None:
    """Run a redemption's job again: in flight, with the same reference; after a failed
    payout, as a new attempt (new reference) on credits held again."""
    if redemption.status in (Status.FAILED, Status.REVERSED) and redemption.kind == ItemKind.UPI:
        redemption.attempt += 1
        _hold(session, redemption)
        redemption.status, redemption.error, redemption.finished_at = Status.PROCESSING, None, None
        redemption.submitted_at = redemption.payout_id = redemption.payout_status = None
    elif redemption.status != Status.PROCESSING:
        raise Refused("stale")
    session.flush()
    events.record(session, events.RedemptionConfirmed(redemption.id))


def stored_error(error: str | None) -> str | None:
    """A reason as its column holds it: a provider's description can be long, or odd."""
    if error is None:
        return None
    return "".join(c for c in error if c.isprintable())[:column_length(Redemption.error)]


def finish(redemption: Redemption, status: Status, error: str | None = None) -> None:
    redemption.status, redemption.error = status, stored_error(error)
    redemption.finished_at = utcnow()
