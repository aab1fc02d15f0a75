"""Redemption jobs: pay out or issue the voucher, poll late payouts, expire vouchers.

The provider is called outside any transaction. Before the call the redemption is marked
submitted (so it can no longer be cancelled); the reference is the idempotency key, so a
retried job or a sweep asking again never pays twice.
"""

from __future__ import annotations

import logging
import time

from flask import current_app
from sqlalchemy import select

from bot import media
from bot.notices.redemptions import EXPIRED, OUT_OF_STOCK, STOCK_CODE, VOUCHER, tell
from models import keys, ledger, redemptions
from models.base import ist_date, utcnow
from models.db import unit_of_work
from models.partners.partner import Partner
from models.programs.catalog import ItemKind, catalog_of
from models.programs.program import Program
from models.redemptions import payouts, vouchers
from models.redemptions.payout_states import FINAL, PayoutState, PayoutStatus
from models.redemptions.redemption import Redemption, Status, finish, lock
from workers.drawing.vouchers import voucher_qr
from workers.payouts import provider
from workers.payouts.providers import PayoutRequest, ProviderError, ProviderUnavailable

log = logging.getLogger("saathi.payouts")


def fulfil(redemption_id: int) -> None:
    """Carry out a confirmed redemption: a UPI payout, or a voucher."""
    with unit_of_work() as session:
        redemption = lock(session, redemption_id)
        if redemption is None or redemption.status != Status.PROCESSING:
            return
        if redemption.kind != ItemKind.UPI:
            _issue_voucher(session, redemption)
            return
        if redemption.payout_status in FINAL:
            return
        redemption.submitted_at = redemption.submitted_at or utcnow()
        request = _request(session, redemption)
    _pay(redemption_id, request)
    _wait(redemption_id, current_app.config["PAYOUT_WAIT_SECONDS"])


def _request(session, redemption: Redemption) -> PayoutRequest:
    partner = session.get(Partner, redemption.partner_id)
    program = session.get(Program, redemption.program_id)
    return PayoutRequest(reference=redemption.reference, amount_paise=redemption.value_paise,
                         vpa=redemption.vpa or "", name=partner.name or partner.phone,
                         phone=partner.phone, narration=f"{program.spec.brand} cashback"[:30])


def _pay(redemption_id: int, request: PayoutRequest) -> None:
    """Ask the provider; an outage raises (the job is retried with the same reference)."""
    try:
        state = provider().create(request)
    except ProviderUnavailable:
        raise  # not an answer: the job's retry (or the sweep) asks again with the same key
    except ProviderError as exc:
        log.warning("payout refused", extra={"redemption_id": redemption_id, "error": str(exc)})
        state = PayoutState(f"refused-{request.reference}", PayoutStatus.FAILED,
                            "refused by the provider")
    _record(redemption_id, state)


def _record(redemption_id: int, state: PayoutState) -> None:
    with unit_of_work() as session:
        redemption = lock(session, redemption_id)
        if redemption is not None:
            payouts.apply(session, redemption, state)


def _wait(redemption_id: int, seconds: float) -> None:
    """Poll a payout still in flight for a short while (webhooks usually come first)."""
    deadline = time.monotonic() + seconds
    in_flight = _in_flight(redemption_id)
    while in_flight and time.monotonic() < deadline:
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        in_flight = poll(redemption_id)


def _in_flight(redemption_id: int) -> bool:
    with unit_of_work() as session:
        return session.get(Redemption, redemption_id).status == Status.PROCESSING


def poll(redemption_id: int) -> bool:
    """Ask the provider for a payout's state; return True while it is still in flight."""
    with unit_of_work() as session:
        redemption = session.get(Redemption, redemption_id)
        if redemption is None or redemption.status != Status.PROCESSING:
            return False
        payout_id, request = redemption.payout_id, _request(session, redemption)
    if payout_id is None:  # the create call never got an answer: ask again, same reference
        _pay(redemption_id, request)
    else:
        _record(redemption_id, provider().fetch(payout_id))
    return _in_flight(redemption_id)


def sweep() -> int:
    """Poll UPI payouts in flight, expire due vouchers, drop unconfirmed redemptions; return
    how many payouts were polled."""
    with unit_of_work() as session:
        ids = list(session.scalars(select(Redemption.id).where(
            Redemption.status == Status.PROCESSING, Redemption.kind == ItemKind.UPI,
            Redemption.submitted_at.is_not(None)).order_by(Redemption.id)))
    for redemption_id in ids:
        try:
            poll(redemption_id)
        except ProviderError as exc:
            log.warning("payout poll failed", extra={"redemption_id": redemption_id,
                                                     "error": str(exc)})
    expire_vouchers()
    with unit_of_work() as session:
        redemptions.cancel_stale(session)
    return len(ids)


def _issue_voucher(session, redemption: Redemption) -> None:
    program = session.get(Program, redemption.program_id)
    item = catalog_of(program.spec.catalog).item(redemption.item_key)
    try:
        voucher = vouchers.issue(session, redemption, item)
    except vouchers.OutOfStock:
        ledger.release(session, redemption.hold_id, key=keys.redemption(redemption.id, "stock"))
        finish(redemption, Status.FAILED, "out of stock")
        tell(session, redemption.partner_id, OUT_OF_STOCK,
             key=keys.redemption(redemption.id, "result"), item=item, credits=redemption.credits)
        return
    finish(redemption, Status.COMPLETED)
    if item.kind == ItemKind.STOCK_CODE:
        tell(session, redemption.partner_id, STOCK_CODE,
             key=keys.redemption(redemption.id, "result"), item=item, code=voucher.code)
        return
    voucher.image_url = media.store(voucher_qr(voucher.code), "vouchers", ".png")
    distributor = session.get(Partner, voucher.distributor_id)
    tell(session, redemption.partner_id, VOUCHER, key=keys.redemption(redemption.id, "result"),
         media_urls=(voucher.image_url,), item=item, code=voucher.code,
         distributor=(distributor.shop or distributor.name or "") if distributor else "",
         date=ist_date(voucher.expires_at).strftime("%d-%m-%Y"))


def expire_vouchers() -> int:
    """Expire unused vouchers past their date, return their credits and tell the partners."""
    with unit_of_work() as session:
        expired = vouchers.expire_due(session)
        for voucher in expired:
            redemption = session.get(Redemption, voucher.redemption_id)
            finish(redemption, Status.EXPIRED, "voucher expired unused")
            tell(session, voucher.partner_id, EXPIRED, key=keys.voucher_expired(voucher.id),
                 code=voucher.code, credits=voucher.credits)
    return len(expired)
