"""Every image or audio Saathi sends stays under 100 KB (bot/media.MAX_SENT_BYTES), checked
where it is made; here over every demo program: module images, a certificate for every track
in every language, voucher QR codes, and the longest voice note any program would say. And
the certificate fonts have a glyph for every letter of every text in all twelve languages."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from bot import media
from bot.i18n import LANGUAGES, LOCALES_DIR
from bot.scripts import LATIN, covers, language_script, script_of
from flows import menu
from models.learning.certificates import Certificate
from models.partners.partner import Partner
from models.programs.labels import label_paths
from models.programs.program import Program
from models.programs.schema import read_file
from models.programs.speech import scripts
from tests.conftest import app_config
from workers.drawing import certificate
from workers.drawing.vouchers import voucher_qr
from workers.speech import notes

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
DEMO = sorted(PROGRAMS.glob("*.yaml"))


@pytest.fixture
def context(tmp_path):
    from app import create_app
    app = create_app(app_config(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 't.db'}"))
    with app.app_context():
        yield


@pytest.mark.slow
def test_every_demo_programs_media_is_under_100_kb(context, tmp_path):
    longest = None
    for path in DEMO:
        spec = read_file(path)
        assert media.module_media_problems(spec) == [], path
        program = Program(id=1, code=spec.code, name=spec.name, definition={
            **spec.model_dump(mode="json", exclude_none=True), "_version": "sizes"})
        for track in spec.tracks.tracks if spec.tracks else ():  # in its longest language
            lang = max(LANGUAGES, key=lambda code: len(track.name.get(code, "").encode()))
            english, own = LANGUAGES[lang]
            partner = Partner(phone="+919812345678", name=own * 3, shop=f"{english} {own}",
                              language=lang)
            cert = Certificate(public_id="SIZE123456", partner_id=1, program_id=1,
                               track=track.code, version=9,
                               issued_at=datetime(2026, 3, 12, tzinfo=UTC))
            assert len(certificate.render(cert, partner, program)) < media.MAX_SENT_BYTES
        for item in spec.catalog.items:
            assert len(voucher_qr(f"SV-{item.key[:4].upper()}-2345")) < media.MAX_SENT_BYTES
        for script in scripts(spec.tracks, list(LANGUAGES)) if spec.tracks else ():
            if longest is None or len(script.text) > len(longest.text):
                longest = script
    for script in menu.scripts(list(LANGUAGES)):  # the menus, spoken at load too
        if len(script.text) > len(longest.text):
            longest = script
    ogg, seconds = notes.make(longest, PROGRAMS)  # raises if it were over 100 KB
    assert len(ogg) < media.MAX_SENT_BYTES and seconds > 15


@cache
def _documents() -> list[dict]:
    return [read_file(path).model_dump(mode="json") for path in DEMO]


def _texts(lang: str) -> set[str]:
    """What a certificate may draw in `lang`: every catalog message, the language's name and
    every track name; and the letters (not symbols) of every other program text."""
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        found = {form for m in read_mo(handle) if m.id for form in (
            m.string if isinstance(m.string, tuple | list) else [m.string])}
    for document in _documents():
        for where, label in label_paths(document):
            text = label.get(lang, "")
            found.add(text if ".tracks[" in where and where.endswith(".name") else
                      "".join(ch for ch in text if script_of(ch) is not None))
    return found | set(LANGUAGES[lang])


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_certificate_fonts_have_every_glyph_of_every_text(lang):
    own = language_script(lang)
    chars = {ch for text in _texts(lang) for ch in text if not ch.isspace()}
    missing = {ch for ch in chars if not (covers(script_of(ch), ch) if script_of(ch) else
                                          covers(own, ch) or covers(LATIN, ch))}
    assert not missing, f"{lang}: no glyph for {sorted(missing)}"
    assert len({ch for ch in chars if script_of(ch) == own}) > 40  # the script's letters
