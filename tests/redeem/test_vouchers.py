"""Vouchers: a distributor voucher with its QR, checked by the rep (VERIFY), refused when used,
foreign or expired; expired unused vouchers give the credits back; stock codes from a CSV."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image
from pyzbar.pyzbar import decode

from models.db import unit_of_work
from models.partners.partner import Partner, Role
from models.redemptions.redemption import Status
from tests.mediahost import provider_media
from workers.redemptions import expire_vouchers

from .conftest import REP, RETAILER, add_partner, balance, last_otp, redemptions, sent_to

VOUCHER_CODE = re.compile(r"SV-[A-Z0-9]{4}-[A-Z0-9]{4}")


def _buy(twilio, choice: str) -> str:
    """Redeem catalog line `choice` through the chat; return the summary shown."""
    twilio.chat(RETAILER, "REDEEM")
    summary = twilio.chat(RETAILER, choice)[0]
    twilio.chat(RETAILER, "1")
    assert "Processing" in twilio.chat(RETAILER, last_otp(RETAILER))[0]
    return summary


def _voucher(app) -> tuple[str, str]:
    message = sent_to(RETAILER, "whatsapp")[-1]
    return VOUCHER_CODE.search(message.body).group(0), message.media_urls[0]


def test_voucher_is_issued_with_a_qr_and_used_once_at_the_distributor(app, twilio, retailer,
                                                                      cempro, clock):
    summary = _buy(twilio, "2")
    assert "Inventory credit voucher worth ₹1,000 for 500 credits. Valid for 7 days." in summary
    code, image = _voucher(app)
    assert "Show it at Sai Traders by 19-03-2026" in sent_to(RETAILER, "whatsapp")[-1].body
    path = Path(app.config["MEDIA_DIR"]) / image.removeprefix("/media/")
    assert decode(Image.open(path))[0].data.decode() == code
    assert balance(retailer, cempro).held == 500

    assert "Mark it used?" in twilio.chat(REP, f"VERIFY {code}")[0]
    assert f"Voucher {code} is now marked used" in twilio.chat(REP, "1")[0]
    assert "already used" in twilio.chat(REP, f"verify {code.lower()}")[0]
    after = balance(retailer, cempro)
    assert (after.balance, after.held, after.available) == (1500, 0, 1500)
    assert redemptions()[0].status == Status.COMPLETED


def test_another_distributors_rep_and_a_retailer_cannot_use_the_voucher(app, twilio, retailer,
                                                                        cempro, clock):
    with unit_of_work() as session:
        other = Partner(phone="+919830000001", role=Role.DISTRIBUTOR, code="OTHERD", name="B")
        session.add(other)
        session.flush()
        session.add(Partner(phone="+919830000002", role=Role.DISTRIBUTOR_REP, parent_id=other.id))
    _buy(twilio, "2")
    code, _ = _voucher(app)
    assert "belongs to another distributor" in twilio.chat("+919830000002", f"VERIFY {code}")[0]
    assert "Only a distributor" in twilio.chat(RETAILER, f"VERIFY {code}")[0]
    assert "No voucher has the code SV-ZZZZ-9999" in twilio.chat(REP, "VERIFY SV-ZZZZ-9999")[0]
    assert balance(retailer, cempro).held == 500


def test_expired_voucher_is_refused_and_its_credits_come_back(app, twilio, retailer, cempro,
                                                              clock):
    _buy(twilio, "3")  # staff training subsidy, 600 credits
    code, _ = _voucher(app)
    clock.advance(days=7, minutes=1)
    assert expire_vouchers() == 1
    assert expire_vouchers() == 0
    assert "has expired" in twilio.chat(REP, f"VERIFY {code}")[0]
    after = balance(retailer, cempro)
    assert (after.available, after.held) == (2000, 0)
    assert f"voucher {code} expired unused. Your 600 credits are back" in \
        sent_to(RETAILER)[-1].body
    assert redemptions()[0].status == Status.EXPIRED


def test_stock_codes_come_from_the_uploaded_list(app, twilio, retailer, cempro, tmp_path, clock):
    twilio.chat(RETAILER, "REDEEM")
    assert "out of stock" in twilio.chat(RETAILER, "4")[0]
    csv = tmp_path / "fuel.csv"
    csv.write_text("code\nFUEL-0001\nFUEL-0002\nFUEL-0001\n")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["vouchers", "upload", "--program", "CEMPRO", "--item",
                                 "fuel_500", str(csv)])
    assert "2 codes added (1 already there); 2 in stock" in result.output
    again = runner.invoke(args=["vouchers", "upload", "--program", "CEMPRO", "--item",
                                "upi", str(csv)])
    assert again.exit_code != 0 and "not a stock-code item" in again.output

    _buy(twilio, "4")
    assert "Your Fuel voucher Rs 500 code: FUEL-0001" in sent_to(RETAILER, "whatsapp")[-1].body
    after = balance(retailer, cempro)
    assert (after.balance, after.held) == (1750, 0)


def test_partner_without_a_distributor_is_refused_a_distributor_voucher(twilio, cempro, app):
    from models.programs.program import Program

    with unit_of_work() as session:  # no sponsor distributor to fall back on
        program = session.get(Program, cempro)
        definition = dict(program.definition)
        definition["sponsor"] = {"manufacturer": "Shakti Cement Ltd"}
        definition["_version"] = "test-no-distributor"
        program.definition = definition
    add_partner(cempro, RETAILER, 2000, distributor_code=None)
    twilio.chat(RETAILER, "REDEEM")
    assert "No distributor is linked to you" in twilio.chat(RETAILER, "2")[0]


def test_rep_checks_a_voucher_from_a_photo_of_its_qr(app, twilio, retailer, cempro, clock):
    _buy(twilio, "2")
    code, image = _voucher(app)
    qr = Image.open(Path(app.config["MEDIA_DIR"]) / image.removeprefix("/media/"))
    photo = io.BytesIO()
    qr.convert("RGB").rotate(7, expand=True, fillcolor="white").save(photo, "JPEG", quality=80)
    url = provider_media(photo.getvalue())
    assert "or send a photo of its QR" in twilio.chat(REP, "VERIFY")[0]
    reply = twilio.chat(REP, "", NumMedia="1", MediaUrl0=url, MediaContentType0="image/jpeg")
    assert "Reading the voucher photo" in reply[0]
    shown = sent_to(REP)[-1].body
    assert f"Voucher {code} is valid: Inventory credit worth ₹1,000 (500 credits)" in shown
    assert "Mark it used?" in shown and balance(retailer, cempro).held == 500
    assert f"Voucher {code} is now marked used" in twilio.chat(REP, "1")[0]
    assert balance(retailer, cempro).held == 0


def test_rep_sees_what_the_voucher_is_for_and_confirms_before_it_is_used(
        app, twilio, retailer, cempro, clock):
    _buy(twilio, "2")
    code, _image = _voucher(app)
    shown = twilio.chat(REP, f"VERIFY {code}")[0]
    assert shown == (f"Voucher {code} is valid: Inventory credit worth ₹1,000 (500 credits) "
                     "for Rajesh Hardware, valid until 19-03-2026. Mark it used?\n"
                     "1. Yes, mark it used\n2. No")
    assert balance(retailer, cempro).held == 500  # nothing used yet
    assert twilio.chat(REP, "2")[0] == f"Voucher {code} was not used."
    assert balance(retailer, cempro).held == 500
    assert redemptions()[0].status == Status.COMPLETED  # issued; the voucher waits

    twilio.chat(REP, f"VERIFY {code}")
    assert "Please reply 1 to mark it used or 2 to keep it." in twilio.chat(REP, "maybe")[0]
    assert twilio.chat(REP, "1")[0] == (f"Voucher {code} is now marked used. Give Rajesh "
                                        "Hardware the Inventory credit.")
    after = balance(retailer, cempro)
    assert (after.balance, after.held) == (1500, 0)


def test_a_voucher_used_elsewhere_while_the_rep_decides_is_refused(
        app, twilio, retailer, cempro, clock):
    _buy(twilio, "2")
    code, _image = _voucher(app)
    with unit_of_work() as session:
        session.add(Partner(phone="+919820012399", role=Role.DISTRIBUTOR_REP, name="Second rep",
                            parent_id=session.get(Partner, retailer).parent_id))
    twilio.chat(REP, f"VERIFY {code}")
    twilio.chat("+919820012399", f"VERIFY {code}")
    assert "is now marked used" in twilio.chat("+919820012399", "1")[0]
    assert "already used" in twilio.chat(REP, "1")[0]
    assert balance(retailer, cempro).balance == 1500  # spent once


def test_make_run_stocks_the_demo_vouchers_so_the_simulator_can_redeem_one(
        app, twilio, retailer, cempro, clock):
    token, app.config["TWILIO_AUTH_TOKEN"] = app.config["TWILIO_AUTH_TOKEN"], ""
    runner = app.test_cli_runner()
    stocked = runner.invoke(args=["vouchers", "demo"])
    app.config["TWILIO_AUTH_TOKEN"] = token  # the test's webhooks are signed with it
    assert stocked.exit_code == 0, stocked.output
    assert stocked.output.splitlines() == ["CEMPRO fuel_500: 20 demo codes in stock",
                                           "CEMPRO ecom_250: 20 demo codes in stock"]
    _buy(twilio, "4")
    assert "Your Fuel voucher Rs 500 code: DEMO-FUEL_500-001" in \
        sent_to(RETAILER, "whatsapp")[-1].body
    refused = runner.invoke(args=["vouchers", "demo"])
    assert refused.exit_code == 1 and "no demo codes where a provider is connected" in \
        refused.output
    app.config["TWILIO_AUTH_TOKEN"], app.config["GUPSHUP_PASSWORD"] = "", "secret"
    assert runner.invoke(args=["vouchers", "demo"]).exit_code == 1  # Gupshup: real SMS too
    app.config["GUPSHUP_PASSWORD"] = ""
    again = runner.invoke(args=["vouchers", "demo"])  # a second `make run`: none added twice
    assert "CEMPRO fuel_500: 19 demo codes in stock" in again.output


def test_a_voucher_photo_check_that_fails_every_time_asks_the_rep_to_type_it(
        app, twilio, retailer, cempro, clock, monkeypatch):
    from workers import voucher_photo

    def broken(*_args, **_kwargs):
        raise RuntimeError("the decoder broke")

    _buy(twilio, "2")
    _code, image = _voucher(app)
    monkeypatch.setattr(voucher_photo, "decode_image", broken)
    url = provider_media((Path(app.config["MEDIA_DIR"]) / image.removeprefix("/media/"))
                         .read_bytes())
    twilio.chat(REP, "VERIFY")
    twilio.chat(REP, "", NumMedia="1", MediaUrl0=url, MediaContentType0="image/png")
    assert sent_to(REP)[-1].body == ("I could not read a voucher code in the photo. Type VERIFY "
                                     "and the code.")
    assert balance(retailer, cempro).held == 500  # nothing used
