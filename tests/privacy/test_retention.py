"""Retention: the daily job empties message bodies after 180 days, deletes invoice photos a
year after the return window, one-time codes and export links a day after they end, and
the arguments of jobs done with message bodies; the audit log (the admin's) says what went."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from bot.jobs.names import Job
from models.admin import audit
from models.base import utcnow
from models.db import unit_of_work
from models.invoices.invoice import Invoice
from models.jobs import records as job_records
from models.jobs.records import JobRecord, JobStatus
from models.programs.program import Program
from models.redemptions.otp import OtpChallenge
from models.sales.tables import BatchStatus, SalesBatch
from tests.conftest import TwilioClient
from tests.privacy.helpers import PHONE, add_invoice, add_partner, load_cempro
from workers.privacy import enforce_retention
from workers.schedule import PERIODIC


def _bodies() -> list[str]:
    with unit_of_work() as session:
        return [b for (b,) in session.execute(text(
            "SELECT body FROM inbox_messages UNION ALL SELECT body FROM outbox_messages"))]


def test_the_daily_job_purges_what_is_past_its_retention(lite, clock):
    load_cempro()
    partner_id = add_partner()
    twilio = TwilioClient(lite.test_client())
    photo = add_invoice(partner_id)
    with unit_of_work() as session:  # a job done, whose arguments quoted a rep's list
        job = job_records.add(session, Job.BULK_ENROLL, [1, 1, "sms", "SM1", PHONE, None])
        job.status, job.done_at = JobStatus.DONE, utcnow()
    twilio.chat(PHONE, "MYDATA")  # an SMS with a code, and the code itself
    clock.advance(days=179)
    enforce_retention()
    assert any(_bodies()) and (Path(lite.config["MEDIA_DIR"]) / photo[7:]).is_file()
    with unit_of_work() as session:
        assert session.scalar(select(OtpChallenge.id)) is None  # a day after it ended
    clock.advance(days=2)
    enforce_retention()
    assert not any(_bodies())
    with unit_of_work() as session:
        assert session.scalar(select(JobRecord.args)) == []
    clock.advance(days=365)  # CEMPRO: a year after its return window
    enforce_retention()
    assert not (Path(lite.config["MEDIA_DIR"]) / photo[7:]).exists()
    with unit_of_work() as session:
        assert session.scalar(select(Invoice.media_url)) == ""
        purged = [e.after for e in audit.recent(session, "Shakti Cement")
                  if e.action == "retention.purge"]
    assert purged[0]["invoice_photos"] == 1 and purged[1]["message_bodies"] >= 2
    assert purged[2]["one_time_codes"] == 1 and purged[1]["job_arguments"] == 1


def test_a_failed_sales_imports_file_goes_a_week_later(lite, clock):
    load_cempro()
    media = Path(lite.config["MEDIA_DIR"])
    with unit_of_work() as session:
        program_id = session.scalar(select(Program.id))
        for status in (BatchStatus.FAILED, BatchStatus.QUEUED):
            (media / f"sales/{status}.csv").parent.mkdir(parents=True, exist_ok=True)
            (media / f"sales/{status}.csv").write_text("Invoice No\n")
            session.add(SalesBatch(program_id=program_id, distributor="D1", source="csv",
                                   name="register.csv", status=status,
                                   file=f"sales/{status}.csv"))
    clock.advance(days=6)
    enforce_retention()
    assert (media / "sales/failed.csv").is_file()
    clock.advance(days=2)
    enforce_retention()
    assert not (media / "sales/failed.csv").exists()
    assert (media / "sales/queued.csv").is_file()  # its job has yet to run
    with unit_of_work() as session:
        assert session.scalars(select(SalesBatch.file).order_by(SalesBatch.id)).all() == [
            None, "sales/queued.csv"]


def test_the_purge_is_a_periodic_job():
    assert Job.ENFORCE_RETENTION.value == "privacy.retention"
    assert enforce_retention in [func for func, _when in PERIODIC]
