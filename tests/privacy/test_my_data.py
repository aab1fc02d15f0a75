"""MY DATA: after the right one-time code, a link valid 24 hours to a ZIP (built by a job)
with everything held about the partner and nothing of anyone else's; a wrong code exports
nothing; the link's token is kept only as a hash."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import privacy
from models.db import unit_of_work
from tests.conftest import TwilioClient
from tests.privacy.helpers import (
    OTHER,
    PHONE,
    VPA,
    add_invoice,
    add_partner,
    last_code,
    load_cempro,
    sealed_vpa,
    wrong,
)

LINK = "https://saathi.test/export/"


@pytest.fixture
def twilio(lite) -> TwilioClient:
    load_cempro()
    return TwilioClient(lite.test_client())


def _exports() -> list[privacy.DataExport]:
    with unit_of_work() as session:
        return list(session.scalars(select(privacy.DataExport)))


def _ask(twilio: TwilioClient) -> str:
    (asked,) = twilio.chat(PHONE, "MYDATA")
    assert "ending 0001" in asked
    (answer,) = twilio.chat(PHONE, last_code())
    return answer.split(LINK, 1)[1].split()[0]


def test_the_zip_holds_everything_about_the_partner_and_nothing_else(twilio, clock):
    partner_id = add_partner(credits=300)
    photo = add_invoice(partner_id)
    sealed_vpa(partner_id)
    other_id = add_partner(OTHER)
    add_invoice(other_id, b"\xff\xd8 someone else's bill")
    twilio.chat(OTHER, "BAL")
    token = _ask(twilio)
    response = twilio.client.get(f"/export/{token}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    for section in ("profile", "memberships", "ledger_entries", "ledger_postings", "invoices",
                    "messages_received", "messages_sent"):
        assert {f"json/{section}.json", f"csv/{section}.csv"} <= names, section
    assert f"photos/{photo.rsplit('/', 1)[1]}" in names and "README.txt" in names
    profile = json.loads(archive.read("json/profile.json"))[0]
    assert profile["phone"] == PHONE and profile["upi_vpa"] == VPA
    assert not any(key.endswith(("_sealed", "_hash")) for key in profile)
    everything = b"".join(archive.read(name) for name in names)
    assert OTHER.encode() not in everything and b"someone else" not in everything
    assert json.loads(archive.read("json/ledger_entries.json"))[0]["credits"] == 300
    (export,) = _exports()
    assert export.token_hash != token and token not in export.token_hash
    clock.advance(hours=24, seconds=1)
    assert twilio.client.get(f"/export/{token}").status_code == 404


def test_a_wrong_code_exports_nothing(twilio):
    add_partner()
    twilio.chat(PHONE, "MYDATA")
    answer = twilio.chat(PHONE, wrong(last_code()))[0]
    assert "Wrong code" in answer and LINK not in answer
    assert _exports() == []
    assert twilio.client.get("/export/guessed-token").status_code == 404


def test_the_readme_is_in_the_partner_language(twilio):
    add_partner(language="hi")
    twilio.chat(PHONE, "मेरा डेटा", channel="sms")
    (answer,) = twilio.chat(PHONE, last_code(), channel="sms")
    token = answer.split(LINK, 1)[1].split()[0]
    readme = zipfile.ZipFile(io.BytesIO(twilio.client.get(f"/export/{token}").data)).read(
        "README.txt").decode()
    assert "DELETE" in readme and "यह" in readme
    assert timedelta(hours=24) == privacy.exports.VALID_FOR
