"""Erasure: a partner's personal data is erased or replaced by a pseudonym, while their
ledger (which the law requires to keep) stays exactly as it was, under the same partner id.

The phone becomes `~` + a keyed hash (models/pii.py), so the number can join again as a new
partner; name, shop, PIN code, GSTIN and UPI id go; photos (invoices, certificates) are
deleted; message bodies are emptied; rows that quote them (review items, the audit log,
durable jobs' arguments, bulk enrolment reports, webhook bodies) are rewritten without them
(models/privacy/scrub.py). Pending redemptions are cancelled first; a payout the
provider already has must finish before erasing. The conversation rows (the chat under way)
and messages still in flight are scrubbed after commit by `erase_traces` (a job).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from models import events, keys, pii
from models.admin import audit
from models.enrollment.join import MembershipStatus
from models.invoices.invoice import Invoice
from models.learning.certificates import Certificate
from models.messaging.conversation import Conversation
from models.messaging.inbox import InboxMessage
from models.messaging.outbox import OutboxMessage, OutboxStatus
from models.messaging.ussd import UssdSession
from models.partners.partner import Partner, PartnerStatus
from models.privacy import scrub
from models.privacy.exports import DataExport
from models.programs.program import Membership
from models.redemptions import redemption as redemptions
from models.support.tickets import Ticket

log = logging.getLogger("saathi.privacy")
MEDIA_PREFIX = "/media/"


class PayoutInProgress(Exception):
    """A payout the provider already has: erase once it has settled or failed."""


class TracesPending(Exception):
    """The last message to an erased partner has not left yet; the job tries again."""


def pseudonym(phone: str) -> str:
    """What an erased partner's phone becomes: stable, unreadable, never a valid number."""
    return "~" + pii.lookup(phone)[:19]


def erase(session: Session, partner: Partner, *, actor: str, reason: str,
          by_partner: bool = True, **who: object) -> None:
    """Erase the partner's personal data in this transaction (PayoutInProgress if a payout
    cannot be stopped); the ledger is untouched. `who`: the audit row's user_id, brand, ip."""
    _settle_redemptions(session, partner)
    phone, language = partner.phone, partner.language
    paid_to = [r.vpa for r in session.scalars(select(redemptions.Redemption).where(
        redemptions.Redemption.partner_id == partner.id,
        redemptions.Redemption.vpa_sealed.is_not(None)))]
    quoted = scrub.traces(phone, pseudonym(phone), partner.name, partner.shop, partner.gstin,
                          partner.upi_vpa, *paid_to)
    _delete_photos(session, partner.id)
    _scrub_messages(session, partner.id, [phone])
    session.execute(update(Ticket).where(Ticket.partner_id == partner.id).values(first_words=""))
    session.execute(update(Invoice).where(Invoice.partner_id == partner.id)
                    .values(buyer_gstin=None, media_url=""))
    session.execute(update(redemptions.Redemption)
                    .where(redemptions.Redemption.partner_id == partner.id)
                    .values(vpa_sealed=None))
    session.execute(update(Membership).where(Membership.partner_id == partner.id)
                    .values(status=MembershipStatus.WITHDRAWN))
    partner.phone = pseudonym(phone)
    partner.name = partner.shop = partner.pincode = partner.gstin = partner.region = None
    partner.code, partner.upi_vpa, partner.status = None, None, PartnerStatus.ERASED
    session.flush()
    audit.record(session, actor=actor, action="partner.erase", target=f"partner:{partner.id}",
                 reason=reason, **who)
    scrub.scrub_quotes(session, quoted)  # the reason typed for this erasure too
    events.record(session, events.PartnerErased(partner.id, phone, language, by_partner))
    log.info("partner erased", extra={"partner_id": partner.id})


def _settle_redemptions(session: Session, partner: Partner) -> None:
    pending = session.scalars(select(redemptions.Redemption).where(
        redemptions.Redemption.partner_id == partner.id,
        redemptions.Redemption.status.in_((redemptions.Status.AWAITING_OTP,
                                           redemptions.Status.PROCESSING))))
    for redemption in pending:
        if not redemptions.cancel(session, redemption, reason="partner erased"):
            raise PayoutInProgress(redemption.id)


def _delete_photos(session: Session, partner_id: int) -> None:
    """Delete the partner's invoice photos, certificate images and MY DATA files."""
    urls = list(session.scalars(select(Invoice.media_url).where(Invoice.partner_id == partner_id)))
    urls += [f"{MEDIA_PREFIX}certificates/{public_id}.png" for public_id in session.scalars(
        select(Certificate.public_id).where(Certificate.partner_id == partner_id))]
    exports = list(session.scalars(select(DataExport).where(DataExport.partner_id == partner_id)))
    urls += [f"{MEDIA_PREFIX}exports/{export.file}" for export in exports if export.file]
    delete_media(urls)
    for export in exports:  # a MY DATA file is all of it at once; its link goes too
        session.delete(export)


def delete_media(urls: list[str]) -> None:
    """Delete the stored files behind /media/ URLs (others are not ours to delete)."""
    folder = Path(current_app.config["MEDIA_DIR"]).resolve()
    for url in urls:
        if not url.startswith(MEDIA_PREFIX):
            continue
        path = (folder / url.removeprefix(MEDIA_PREFIX)).resolve()
        if folder in path.parents:
            path.unlink(missing_ok=True)


def _scrub_messages(session: Session, partner_id: int | None, phones: list[str]) -> None:
    """Empty the bodies of every message to or from `phones` and put the pseudonym in."""
    for phone in phones:
        alias = pseudonym(phone)
        session.execute(update(InboxMessage).where(InboxMessage.phone == phone)
                        .values(phone=alias, body="", payload={}, replies=[]))
        session.execute(update(OutboxMessage).where(or_(
            OutboxMessage.phone == phone, OutboxMessage.partner_id == partner_id))
            .where(OutboxMessage.status != OutboxStatus.QUEUED)
            .values(phone=alias, body="", media_urls=[], template_vars={}, reply=None,
                    error=None))
        session.execute(update(UssdSession).where(UssdSession.phone == phone)
                        .values(phone=alias, consumed="", pages=[], screens={}))


def erase_traces(session: Session, partner_id: int) -> None:
    """After the erasure commits: scrub what the chat under way and the last message left
    (TracesPending while that message waits to be sent), and drop the conversations."""
    conversations = list(session.scalars(select(Conversation).where(
        Conversation.partner_id == partner_id)))
    phones = {c.phone for c in conversations} | set(session.scalars(
        select(OutboxMessage.phone).where(
            OutboxMessage.idempotency_key == keys.erasure_notice(partner_id),
            ~OutboxMessage.phone.startswith("~"))))
    waiting = session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.phone.in_(phones), OutboxMessage.status == OutboxStatus.QUEUED).limit(1))
    if waiting is not None:
        raise TracesPending(partner_id)
    _scrub_messages(session, partner_id, sorted(phones))
    for conversation in conversations:
        session.delete(conversation)
    session.flush()
