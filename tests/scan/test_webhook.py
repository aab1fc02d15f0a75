"""Scanning photos through the signed Twilio webhook (typed codes: tests/transcripts/scan/)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.codes.tables import QrScan
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from tests.mediahost import provider_media
from tests.scan.photos import photo


@pytest.fixture
def member(db, make_partner, make_batch):
    """A committed partner and batch (the webhook works in its own transactions)."""
    partner = make_partner()
    codes = make_batch(credits=10)
    db.commit()
    return partner.phone, codes


def outbox_texts(phone: str) -> list[str]:
    with unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.phone == phone)
                               .order_by(OutboxMessage.id))
        return [row.body for row in rows]


def test_photo_of_two_codes_is_decoded_in_a_job_and_both_are_credited(twilio, clock, member):
    phone, codes = member
    url = provider_media(photo(codes[:2], "perspective", seed=3))
    assert twilio.chat(phone, "CODE") == [
        "Send a photo of the QR code, or type the code printed under it."]
    location = {"Latitude": "19.0760", "Longitude": "72.8777"}
    assert twilio.chat(phone, "", **location) == ["Thank you, your location is noted."]
    reply = twilio.chat(phone, "", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    assert reply == ["Thanks! Checking the code in your photo, I will reply in a moment."]
    [text] = outbox_texts(phone)
    first, second = text.splitlines()
    assert {first[5:24], second[5:24]} == set(codes[:2])
    assert first.endswith(": 10 credits added. New balance: 10.")
    assert second.endswith(": 10 credits added. New balance: 20.")
    with unit_of_work() as session:
        scans = session.scalars(select(QrScan)).all()
        assert {(s.source, s.latitude) for s in scans} == {("photo", 19.076)}


def test_photo_without_a_code_asks_for_a_better_one(twilio, clock, member):
    phone, _codes = member
    url = provider_media(photo(["not a code"], "blur", seed=1)[:2000])
    twilio.chat(phone, "Scan product code")
    twilio.chat(phone, "", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    assert outbox_texts(phone) == ["I could not find a product code in your photo. Send a "
                                   "sharper photo, or type CODE and the code under it."]


def test_photo_sent_at_the_menu_is_recognised_as_a_product_code(twilio, clock, member):
    phone, codes = member
    url = provider_media(photo([codes[2]], "low_light", seed=5))
    twilio.chat(phone, "MENU")
    twilio.chat(phone, "", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    assert outbox_texts(phone) == [f"Code {codes[2]}: 10 credits added. New balance: 10."]


def test_a_scan_that_fails_every_time_tells_the_partner_what_to_do(twilio, clock, member,
                                                                  monkeypatch):
    """The decoder broke on every attempt (a fault of ours): after the last, the partner is
    told to send a sharper photo or type the code, instead of waiting for good."""
    from workers import scan

    def broken(*_args, **_kwargs):
        raise RuntimeError("the decoder broke")

    monkeypatch.setattr(scan, "decode_image", broken)
    phone, codes = member
    url = provider_media(photo(codes[:1], "perspective", seed=3))
    twilio.chat(phone, "CODE")
    twilio.chat(phone, "", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    assert outbox_texts(phone) == ["I could not find a product code in your photo. Send a "
                                   "sharper photo, or type CODE and the code under it."]
    with unit_of_work() as session:
        assert session.scalars(select(QrScan)).all() == []
