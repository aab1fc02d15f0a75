"""Campaign fixtures: the CEMPRO program, members in several languages and channels, and a
Twilio stand-in that answers each message with its own sid."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import insert

from models import ledger
from models.base import utcnow
from models.db import engine as current_engine
from models.db import unit_of_work
from models.messaging import conversation
from models.partners.partner import Partner
from models.programs.program import Membership, Program
from tests.conftest import _make_app, built_once
from tests.httpstub import Recorded, StubServer
from tests.redeem.conftest import load_cempro

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
ACCOUNT = "AC" + "5" * 32
WA_FROM, SMS_FROM = "+14155238886", "+15005550006"
TEMPLATE = {"en": "HX" + "e" * 32, "hi": "HX" + "a" * 32}


class Twilio:
    """The stand-in's view: each accepted message's form, in order; it lists them back as
    Twilio's Messages API does (GET, filtered by To)."""

    def __init__(self) -> None:
        self.sids = itertools.count(1)
        self.lock = threading.Lock()
        self.forms: list[dict[str, str]] = []
        self.sent: list[dict] = []
        self.answer: Callable[[dict], tuple[int, dict] | None] = lambda form: None
        self.accepted: Callable[[dict], None] = lambda form: None  # before the answer goes

    def __call__(self, request: Recorded):
        if request.method == "GET":
            to = parse_qs(urlsplit(request.path).query)["To"][0]
            return self._json(200, {"messages": [m for m in self.sent if m["to"] == to],
                                    "next_page_uri": None})
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        special = self.answer(form)
        if special is not None:
            return self._json(*special)
        with self.lock:
            sid = f"SM{next(self.sids):032d}"
            self.forms.append(form)
            self.sent.append({"sid": sid, "to": form["To"], "from": form["From"],
                              "body": form.get("Body", ""),
                              "date_created": format_datetime(datetime.now(UTC))})
        self.accepted(form)
        return self._json(201, {"sid": sid, "status": "queued", "account_sid": ACCOUNT})

    @staticmethod
    def _json(status: int, body: dict):
        return status, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def to(self, phone: str) -> list[dict[str, str]]:
        return [f for f in self.forms if f["To"].removeprefix("whatsapp:") == phone]


BOTH = pytest.mark.parametrize("app", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def app(request, tmp_path):
    """SQLite unless a test asks for both databases (BOTH): the SQL that differs (SKIP
    LOCKED, INSERT ... SELECT, the segment query) is tested on both."""
    app = _make_app(getattr(request, "param", "sqlite"), request, tmp_path)
    with app.app_context():
        yield app
        current_engine().dispose()


@pytest.fixture
def twilio_api(app) -> Iterator[Twilio]:
    stand_in = Twilio()
    with StubServer(stand_in) as server:
        app.config.update(TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE=server.url,
                          TWILIO_SMS_FROM=SMS_FROM, TWILIO_WHATSAPP_FROM=WA_FROM,
                          WHATSAPP_TEMPLATES={"campaign_tip": TEMPLATE},
                          CAMPAIGN_SENDS_PER_SECOND=0)
        yield stand_in


@pytest.fixture
def program(app) -> Program:
    """CEMPRO, loaded once per process and copied (tests/conftest.py built_once), read back
    in a session of its own."""
    program_id = built_once(load_cempro)
    with unit_of_work() as session:
        return session.get(Program, program_id)


_phones = itertools.count(1)


@pytest.fixture
def member(app, program) -> Callable[..., int]:
    """A CEMPRO member: `member(language="hi", whatsapp=hours since they last wrote (None:
    never wrote on WhatsApp), joined_days_ago=…, **partner fields)`; returns the partner id."""

    def make(language: str = "en", whatsapp: float | None = 1, joined_days_ago: int = 60,
             **fields) -> int:
        phone = f"+91987{next(_phones):07d}"
        with unit_of_work() as session:
            partner = Partner(phone=phone, name=fields.pop("name", f"Ravi {phone[-3:]}"),
                              language=language, **fields)
            session.add(partner)
            session.flush()
            session.add(Membership(partner_id=partner.id, program_id=program.id,
                                   joined_at=utcnow() - timedelta(days=joined_days_ago)))
            ledger.ensure_wallet(session, partner.id, program.id)
            channel = "sms" if whatsapp is None else "whatsapp"
            conv = conversation.lock(session, channel, phone)
            conv.last_inbound_at = utcnow() - timedelta(hours=whatsapp or 48)
            return partner.id

    return make


def members(program, count: int) -> list[int]:
    """`count` English members without a wallet or a conversation, in two statements."""
    now = utcnow()
    with unit_of_work() as session:
        ids = session.scalars(insert(Partner).returning(Partner.id), [
            {"phone": f"+9197{n:08d}", "name": f"P{n}", "language": "en", "created_at": now}
            for n in range(count)]).all()
        session.execute(insert(Membership), [{"partner_id": i, "program_id": program.id,
                                              "status": "active", "joined_at": now}
                                             for i in ids])
    return list(ids)


def phone_of(partner_id: int) -> str:
    with unit_of_work() as session:
        return session.get(Partner, partner_id).phone
