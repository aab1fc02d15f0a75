"""Invite QR codes: decoded with zbar, they carry the wa.me link with the JOIN text."""

from __future__ import annotations

import pytest
from PIL import Image
from pyzbar.pyzbar import decode


def _decoded(path) -> list[str]:
    return sorted(d.data.decode() for d in decode(Image.open(path)))


@pytest.mark.parametrize(("args", "link"), [
    (["--program", "tilepro", "--distributor", "TILEDIST"],
     "https://wa.me/14155238886?text=JOIN%20TILEPRO%20REF%20TILEDIST"),
    (["--program", "PAINTX", "--number", "+91 98200 00000"],
     "https://wa.me/919820000000?text=JOIN%20PAINTX"),
])
def test_qr_opens_whatsapp_with_the_join_text(app, programs, tmp_path, args, link):
    app.config["TWILIO_WHATSAPP_FROM"] = "+14155238886"
    out = tmp_path / "invite.png"
    result = app.test_cli_runner().invoke(args=["invites", "qr", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _decoded(out) == [link]


def test_sheet_prints_every_distributor_and_refuses_strangers(app, programs, tmp_path):
    app.config["TWILIO_WHATSAPP_FROM"] = "+14155238886"
    runner = app.test_cli_runner()
    base = ["invites", "sheet", "--program", "TILEPRO"]
    out = tmp_path / "sheet.png"
    result = runner.invoke(args=[*base, "--distributor", "TILEDIST", "--distributor",
                                 "TILEDIST", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _decoded(out) == ["https://wa.me/14155238886?text=JOIN%20TILEPRO%20REF%20TILEDIST"] * 2
    pdf = tmp_path / "sheet.pdf"
    result = runner.invoke(args=[*base, "--distributor", "TILEDIST", "--out", str(pdf)])
    assert result.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
    result = runner.invoke(args=[*base, "--distributor", "PAINTDIST", "--out", str(out)])
    assert result.exit_code != 0 and "PAINTDIST not among TILEPRO's distributors" in result.output
    result = runner.invoke(args=["invites", "qr", "--program", "NOPE", "--out", str(out)])
    assert result.exit_code != 0 and "no program 'NOPE'" in result.output
