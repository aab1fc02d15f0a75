"""Twilio media URLs fetched with the account's basic auth (a local HTTP server stands in for
Twilio), and the whole upload path through a real RQ worker."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from bot import jobs, media
from bot.config import load_settings
from models.db import unit_of_work
from models.invoices.invoice import Invoice, InvoiceStatus
from tests.conftest import AUTH_TOKEN
from tests.httpstub import Recorded, StubServer, serve_in_background
from tests.invoice.conftest import einvoice_photo, outbox_texts, send_file

SID, TOKEN = "AC" + "1" * 32, AUTH_TOKEN  # the token also signs the webhooks
EXPECTED_AUTH = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()


class FakeTwilioMedia(BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    seen: list[tuple[str, str | None]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != EXPECTED_AUTH:
            self.send_response(401)
            self.end_headers()
            return
        body = self.files.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "image/jpeg")
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def twilio_media(app) -> Iterator[str]:
    """A local server serving /Media/... only with Twilio's basic auth; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilioMedia)
    thread = serve_in_background(server)
    origin = f"http://127.0.0.1:{server.server_port}"
    app.config.update(TWILIO_ACCOUNT_SID=SID, TWILIO_AUTH_TOKEN=TOKEN,
                      TWILIO_MEDIA_HOSTS=[origin], TWILIO_MEDIA_AUTH_HOSTS=[origin])
    FakeTwilioMedia.files.clear()
    FakeTwilioMedia.seen.clear()
    yield origin
    server.shutdown()
    thread.join()


def test_fetch_sends_the_accounts_basic_auth_and_refuses_files_over_10_mb(app, twilio_media):
    FakeTwilioMedia.files["/Media/ME1"] = b"\xff\xd8 small"
    FakeTwilioMedia.files["/Media/ME2"] = b"x" * (10 * 1024 * 1024 + 1)
    assert media.fetch(f"{twilio_media}/Media/ME1") == b"\xff\xd8 small"
    assert FakeTwilioMedia.seen == [("/Media/ME1", EXPECTED_AUTH)]
    with pytest.raises(media.MediaError, match="10 MB"):
        media.fetch(f"{twilio_media}/Media/ME2")
    app.config["TWILIO_AUTH_TOKEN"] = "wrong"
    with pytest.raises(media.MediaError):
        media.fetch(f"{twilio_media}/Media/ME1")


def test_webhook_to_credit_through_a_real_rq_worker_with_twilio_media(
        app, twilio, clock, make_partner, twilio_media, redis_url):
    app.config["REDIS_URL"] = redis_url
    partner = make_partner()
    data, truth = einvoice_photo(seed=20, total_paise=1_00_000_00)
    FakeTwilioMedia.files["/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1"] = data
    url = f"{twilio_media}/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1"
    started = time.perf_counter()
    try:
        assert send_file(twilio, partner.phone, url) == ["Received, reading it now…"]
        assert jobs.queue().count == 1 and outbox_texts(partner.phone) == []
        SimpleWorker([jobs.queue()], connection=jobs.redis_connection()).work(burst=True)
    finally:
        jobs.queue().empty()
    assert time.perf_counter() - started < 10
    assert FakeTwilioMedia.seen == [(url.removeprefix(twilio_media), EXPECTED_AUTH)]
    [text] = outbox_texts(partner.phone)
    assert text.startswith(f"Invoice {truth.number}") and "New balance:" in text
    with unit_of_work() as session:
        invoice = session.scalar(select(Invoice))
        assert invoice.status == InvoiceStatus.CREDITED
        assert invoice.media_url.startswith("/media/inbound/invoices/")


def test_a_signed_photo_pointing_inside_never_reaches_it_and_the_partner_is_told(
        app, twilio, clock, make_partner):
    """The production rule (Twilio's hosts, no private network): a MediaUrl at a server
    inside, or at the cloud's metadata address, gets no request at all."""
    seen: list[Recorded] = []
    with StubServer(lambda r: (seen.append(r), (200, {}, b"\xff\xd8 inside"))[1]) as inside:
        defaults = load_settings({})
        app.config.update(TWILIO_MEDIA_HOSTS=defaults["TWILIO_MEDIA_HOSTS"],
                          MEDIA_FETCH_PRIVATE_NETWORKS=[])
        partner = make_partner()
        for url in (f"{inside.url}/Media/ME1", "http://169.254.169.254/latest/meta-data/"):
            assert send_file(twilio, partner.phone, url) == ["Received, reading it now…"]
    assert seen == []
    assert outbox_texts(partner.phone) == ["I could not open that file. Send a JPG or PNG "
                                           "photo, or a PDF, of at most 10 MB."] * 2
