"""After an erasure no table and no file holds the partner's phone, name, shop, GSTIN or UPI
id — including the rows that only quote them (a review item's facts, audit rows written by
older code, a durable job's arguments, a bulk enrolment report, a webhook body) and the MY
DATA file; on SQLite and PostgreSQL. A MY DATA link is never stored in clear, yet works."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import String, Text, select

import models
from bot import jobs
from bot.jobs.names import Job
from models import webhooks
from models.admin import audit
from models.db import unit_of_work
from models.enrollment.batches import EnrollmentBatch
from models.jobs import records as job_records
from models.messaging import outbox
from models.messaging.links import REMOVED
from models.partners.partner import Partner
from models.programs.program import by_code
from models.review import queue as review
from models.webhooks.deliveries import Subscription
from tests.conftest import TwilioClient
from tests.privacy.helpers import (
    PHONE,
    VPA,
    add_invoice,
    add_partner,
    last_code,
    load_cempro,
    sealed_vpa,
)
from workers.outbound import deliver

GSTIN = "27ABKPR4321Q1Z1"  # the partner's own (not CEMPRO's brand GSTIN)
SHOP = "राजेश हार्डवेयर"  # non-ASCII: SQLite's JSON keeps it \u-escaped
TRACES = (PHONE, PHONE[3:], "Rajesh Kumar", SHOP, GSTIN, VPA)
LINK = "https://saathi.test/export/"


@pytest.fixture
def twilio(app) -> TwilioClient:
    load_cempro()
    return TwilioClient(app.test_client())


@pytest.fixture
def lite_twilio(lite) -> TwilioClient:
    load_cempro()
    return TwilioClient(lite.test_client())


def found_in_database(needles: tuple[str, ...]) -> list[str]:
    """table.column of every text or JSON value, in every table, that holds a needle."""
    found = []
    with unit_of_work() as session:
        for table in models.metadata.sorted_tables:
            for column in table.c:
                if not isinstance(column.type, String | Text) and \
                        "JSON" not in repr(column.type):
                    continue
                for (value,) in session.execute(select(column)):
                    if value is not None and any(n in str(value) for n in needles):
                        found.append(f"{table.name}.{column.name}")
    return found


def found_in_media(media: Path, needles: tuple[str, ...]) -> list[str]:
    """Every file left from the partner (their photos, their MY DATA file) or naming them."""
    return [str(p) for p in media.rglob("*") if p.is_file() and (
        "invoices" in p.parts or "exports" in p.parts or any(n in p.name for n in needles)
        or any(n.encode() in p.read_bytes() for n in needles))]


def _quoted_everywhere(partner_id: int) -> None:
    """What quotes the partner outside their own rows, as today's and older code wrote it."""
    with unit_of_work() as session:
        partner = session.get(Partner, partner_id)
        partner.gstin, partner.shop = GSTIN, SHOP
        program = by_code(session, "CEMPRO")
        review.submit(session, kind="invoice", rule="buyer_gstin", partner_id=partner_id,
                      program_id=program.id, reason="buyer GSTIN is not the partner's",
                      payload={"details": {"buyer_gstin": "29ABCDE1234F1Z5",
                                           "partner_gstin": GSTIN}})
        audit.record(session, actor="ops@brand.test", action="partner.edit",
                     target=f"partner:{partner_id}", reason=f"Rajesh Kumar called from {PHONE}",
                     before={"name": "Rajesh Kumar", "shop": SHOP, "upi": VPA},
                     after={"phone": PHONE})
        job_records.add(session, Job.BULK_ENROLL,
                        [1, program.id, "whatsapp", "wamid.1", f"Rajesh Kumar, {PHONE[3:]}, "
                         f"{SHOP}", None])
        session.add(EnrollmentBatch(program_id=program.id, rep_id=partner_id, created=1,
                                    rows=[[1, f"{SHOP} ({PHONE})", "created"]]))
        session.add(Subscription(program_id=program.id, url="https://brand.test/hook",
                                 events=["partner.joined"], secret="s" * 32))
        session.flush()
        webhooks.queue_event(session, program.id, "partner.joined",
                             {"partner": {"id": partner_id, "phone": PHONE}})


def test_nothing_of_an_erased_partner_is_left_in_any_table_or_file(app, twilio):
    partner_id = add_partner(credits=200)
    add_invoice(partner_id)
    sealed_vpa(partner_id)
    _quoted_everywhere(partner_id)
    twilio.chat(PHONE, "MYDATA")
    assert LINK in twilio.chat(PHONE, last_code())[0]  # its ZIP is in the media folder
    media = Path(app.config["MEDIA_DIR"])
    assert found_in_database(TRACES) and found_in_media(media, TRACES)  # the test can see
    twilio.chat(PHONE, "DELETE")
    twilio.chat(PHONE, "1")
    (erased,) = twilio.chat(PHONE, last_code())
    assert "Your personal data is erased" in erased
    assert found_in_database(TRACES) == []
    assert found_in_media(media, TRACES) == []
    with unit_of_work() as session:  # the quoting rows stay, meaning kept, data gone
        (item,) = session.scalars(select(review.ReviewItem)).all()
        assert item.payload["details"] == {"buyer_gstin": "29ABCDE1234F1Z5",
                                           "partner_gstin": "[erased]"}
        edit = session.scalar(select(audit.AuditEntry).where(
            audit.AuditEntry.action == "partner.edit"))
        alias = session.get(Partner, partner_id).phone
        assert edit.after == {"phone": alias} and edit.before["name"] == "[erased]"


def test_the_link_works_but_no_stored_message_holds_its_token(lite_twilio):
    twilio = lite_twilio
    add_partner()
    twilio.chat(PHONE, "MYDATA")
    code, sid = last_code(), "SM" + "7" * 32
    (answer,) = twilio.chat(PHONE, code, sid=sid)
    token = answer.split(LINK, 1)[1].split()[0]
    assert twilio.client.get(f"/export/{token}").status_code == 200
    assert found_in_database((token,)) == []
    (again,) = twilio.chat(PHONE, code, sid=sid)  # Twilio retries: the stored answer
    assert f"{LINK}{REMOVED}" in again and token not in again


def test_an_outbox_row_keeps_the_link_only_until_it_has_left(lite):
    load_cempro()
    token = "k" * 32
    with unit_of_work() as session:
        row = outbox.OutboxMessage(channel="sms", phone=PHONE, body=f"Get it: {LINK}{token}",
                                   reply={"text": f"Get it: {LINK}{token}", "options": []})
        session.add(row)
        session.flush()
        row_id = row.id
    deliver(row_id)
    with unit_of_work() as session:
        row = session.get(outbox.OutboxMessage, row_id)
        assert row.status == "sent" and row.body == f"Get it: {LINK}{REMOVED}"
        assert row.reply["text"] == row.body


def record_args(record_id: int) -> list:
    with unit_of_work() as session:
        return session.get(job_records.JobRecord, record_id).args


def test_redis_holds_only_the_job_records_id_never_its_arguments(lite, redis_url):
    """What a job is about (a rep's list of shops) lives in its record, which erasure and
    retention clean; RQ's copy in Redis holds only the record's id."""
    lite.config["REDIS_URL"] = redis_url
    try:
        with unit_of_work() as session:
            jobs.after_commit(session, Job.BULK_ENROLL, 1, 1, "whatsapp", "wamid.2",
                              f"Rajesh Kumar, {PHONE}, {SHOP}", None)
        (job,) = jobs.queue().jobs
        with unit_of_work() as session:
            (record_id,) = session.scalars(select(job_records.JobRecord.id)).all()
        assert job.args == (record_id,) and job.kwargs == {}
        fetched = type(job).fetch(job.id, connection=jobs.redis_connection())
        stored = repr((fetched.args, fetched.kwargs, fetched.description, fetched.meta))
        assert not [t for t in TRACES if t in stored] and PHONE in str(record_args(record_id))
    finally:
        jobs.queue().empty()
