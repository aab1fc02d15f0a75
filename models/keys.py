"""Idempotency keys, all in one place: a ledger entry or an outbox row with a key that exists
already is the same thing asked for twice, and is not made again.

A key must be stable across retries of the same cause and different for different causes;
changing a builder's text would let a retry across the change do the thing twice, so these
strings never change once released.
"""

from __future__ import annotations

from datetime import date, datetime

# Ledger entries


def certification(partner_id: int, program_id: int, track: str, version: int) -> str:
    return f"cert:{partner_id}:{program_id}:{track}:v{version}"


def code_credit(code: str) -> str:
    return f"qr:{code}"


def invoice_credit(invoice_id: int) -> str:
    return f"invoice:{invoice_id}"


def approved(held_key: str) -> str:
    """An earn that waited for review (over budget), credited once approved."""
    return f"{held_key}:approved"


def expiry(wallet_id: int, first_lot_id: int, at: datetime) -> str:
    return f"expiry:W{wallet_id}:L{first_lot_id}:{at.isoformat()}"


def redemption(redemption_id: int, step: str) -> str:
    """Once per redemption: settle, cancel, expire, stock (released when out of stock),
    result (the partner's message)."""
    return f"redeem-{redemption_id}-{step}"


def redemption_attempt(redemption_id: int, attempt: int, step: str) -> str:
    """Once per payout attempt: hold, release, refund, result, returned."""
    return f"redeem-{redemption_id}-a{attempt}-{step}"


# Outbox rows


def late_reply(channel: str, provider_id: str, n: int) -> str:
    return f"late:{channel}:{provider_id}:{n}"


def media_link(channel: str, provider_id: str, n: int) -> str:
    """The SMS that carries the link to a reply's image to a text-only channel (USSD)."""
    return f"media-link:{channel}:{provider_id}:{n}"


def export_link(provider_id: str) -> str:
    """The SMS that carries MY DATA's download link to a channel that cannot open it (USSD)."""
    return f"export-link:{provider_id}"


def sms_fallback(outbox_id: int) -> str:
    """A WhatsApp message refused outside the 24-hour window, sent by SMS instead."""
    return f"sms-fallback:{outbox_id}"


def dlt_fallback(outbox_id: int) -> str:
    """The SMS sent instead of one no DLT template matches (bot/notices/outbound.py)."""
    return f"dlt-fallback:{outbox_id}"


def tier_notice(wallet_id: int, tier: str | None, on: date) -> str:
    return f"tier:{wallet_id}:{tier}:{on.isoformat()}"


def invoice_notice(invoice_id: int, status: str) -> str:
    return f"invoice:{invoice_id}:{status}"


def invoice_return(invoice_id: int, note: str) -> str:
    return f"invoice-return:{invoice_id}:{note}"


def expiry_reminder(wallet_id: int, day: date | str, days: int) -> str:
    return f"expiry-reminder:W{wallet_id}:{day}:{days}"


def recertification_nudge(certificate_id: int) -> str:
    return f"recert-nudge:{certificate_id}"


def certificate_granted(certificate_id: int) -> str:
    return f"cert-granted:{certificate_id}"


def invitation(program_id: int, partner_id: int) -> str:
    return f"invite:{program_id}:{partner_id}"


def scan_review(review_item_id: int) -> str:
    return f"qr-review:{review_item_id}"


OTP = "otp-"  # a one-time code's SMS: worthless once the code has expired


def otp(challenge_id: int) -> str:
    return f"{OTP}{challenge_id}"


def job_reply(kind: str, message_id: str) -> str:
    """The one answer a photo job gives to the message that asked: scan, upload,
    voucher-photo, bulk-report."""
    return f"{kind}:{message_id}"


def voucher_expired(voucher_id: int) -> str:
    return f"voucher-{voucher_id}-expired"


def erasure_notice(partner_id: int) -> str:
    """The last message to a partner whose data an operator erased."""
    return f"erased:{partner_id}"


def ticket_opened(ticket_id: int) -> str:
    return f"ticket-opened:{ticket_id}"


# Operator controls (the admin pages and `flask partners` / `flask wallet`)


def admin_adjustment(request_id: str) -> str:
    """One adjustment per form shown (a double click or a resent form adjusts once)."""
    return f"admin-adjust:{request_id}"


def credit_note(invoice_id: int, note: str) -> str:
    """A credit note (or return) against an invoice claws back once."""
    return f"credit-note:{invoice_id}:{note}"


def admin_reversal(entry_id: int) -> str:
    """An entry is reversed by an operator at most once."""
    return f"admin-reverse:{entry_id}"


def ticket_answer(ticket_id: int, request_id: str) -> str:
    """One outbox row per answer form sent (a double click sends once)."""
    return f"ticket-answer:{ticket_id}:{request_id}"


def campaign(campaign_id: int, round_: int, partner_id: int) -> str:
    """A campaign's message to one partner in one round (a recurring campaign's run)."""
    return f"campaign:{campaign_id}:{round_}:{partner_id}"


def campaign_bonus(campaign_id: int, earned_key: str) -> str:
    """A bonus campaign's extra credits on one earn (an invoice's credit key)."""
    return f"bonus:{campaign_id}:{earned_key}"


def referral_bonus(referral_id: int) -> str:
    """The referrer's bonus for one referral (a new partner's first earn), paid once."""
    return f"referral:{referral_id}"


def held_earn_notice(review_item_id: int) -> str:
    """The partner's message about an earn the budget cap held back, once its review decided
    it (bot/notices/held.py)."""
    return f"held-earn-notice:{review_item_id}"


def referral_notice(referral_id: int, status: str) -> str:
    """The referrer's message about one referral's bonus (paid, in review, refused)."""
    return f"referral-notice:{referral_id}:{status}"


def milestone(campaign_id: int, period: str, partner_id: int) -> str:
    """A milestone campaign's credits, once per partner per period ("w2026-11-30": the IST
    week from that Monday; "m2026-11": the IST month)."""
    return f"milestone:{campaign_id}:{period}:{partner_id}"


def milestone_notice(campaign_id: int, period: str, partner_id: int) -> str:
    return f"milestone-notice:{campaign_id}:{period}:{partner_id}"


def opening_balance(program_id: int, ref: str) -> str:
    """A balance brought over from a brand's old program, once per row of its file."""
    return f"opening:{program_id}:{ref}"
