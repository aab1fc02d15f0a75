"""The certificate PNG draws every script with a font that has its glyphs (no boxes): for each
language Saathi speaks, a partner named in that language's script gets a certificate whose
every drawn character is in the cmap of the font it was drawn with."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import ImageDraw

from app import create_app
from bot import scripts
from bot.i18n import LANGUAGES
from models.learning.certificates import Certificate
from models.partners.partner import Partner
from models.programs.program import Program
from models.programs.schema import read_file
from tests.conftest import app_config
from tests.i18n.leaks import leaks
from workers.drawing import certificate as certificate_image

PROGRAMS = Path(__file__).resolve().parents[2] / "programs"
# A realistic name and shop per language; a language added later without one here is tested
# with its own name as written in LANGUAGES (still its script).
NAMES = {
    "en": ("Ramesh Kumar", "Kumar Hardware"),
    "hi": ("रमेश कुमार", "कुमार हार्डवेयर"),
    "mr": ("सुरेश पाटील", "पाटील ट्रेडर्स"),
    "gu": ("ભાવેશ પટેલ", "પટેલ સિમેન્ટ સ્ટોર"),
    "ta": ("முருகன் செல்வம்", "செல்வம் ஹார்ட்வேர்ஸ்"),
    "te": ("వెంకట రావు", "రావు సిమెంట్ షాప్"),
    "kn": ("ಮಂಜುನಾಥ ಗೌಡ", "ಗೌಡ ಹಾರ್ಡ್‌ವೇರ್"),
    "bn": ("সুব্রত দাস", "দাস সিমেন্ট ঘর"),
}


@cache
def _cmap(path: str) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


@pytest.fixture
def context(tmp_path):
    app = create_app(app_config(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 't.db'}"))
    with app.app_context():
        yield


def _drawn(monkeypatch, partner: Partner) -> list[tuple[str, str]]:
    """Render a CEMPRO certificate for `partner`; return every (text, font file) drawn."""
    calls: list[tuple[str, str]] = []
    original = ImageDraw.ImageDraw.text

    def spy(self, xy, text, *args, **kwargs):
        font = kwargs.get("font") or (args[1] if len(args) > 1 else None)
        calls.append((str(text), getattr(font, "path", "<bitmap default font>")))
        return original(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    spec = read_file(PROGRAMS / "cempro.yaml")
    program = Program(id=1, code=spec.code, name=spec.name,
                      definition={**spec.model_dump(mode="json", exclude_none=True),
                                  "_version": "fonts"})
    cert = Certificate(public_id="CEMTEST123", partner_id=1, program_id=1, track="basic",
                       version=4, issued_at=datetime(2026, 3, 12, tzinfo=UTC))
    png = certificate_image.render(cert, partner, program)
    assert png.startswith(b"\x89PNG")
    return calls


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_certificate_draws_each_script_with_a_font_that_has_its_glyphs(context, monkeypatch,
                                                                      lang):
    name, shop = NAMES.get(lang, (LANGUAGES[lang][1], LANGUAGES[lang][1]))
    partner = Partner(phone="+919812345678", name=name, shop=shop, language=lang)
    calls = _drawn(monkeypatch, partner)
    boxes = {(text, font.rsplit("/", 1)[-1]): "".join(sorted(
        {ch for ch in text if not ch.isspace() and ord(ch) not in _cmap(font)}))
        for text, font in calls if not font.startswith("<")}
    assert not {k: v for k, v in boxes.items() if v}, \
        f"{lang}: characters drawn with a font that lacks them (shown as boxes): {boxes}"
    assert all(not font.startswith("<") for _text, font in calls), \
        f"{lang}: some text was drawn with Pillow's bitmap font (no Noto font loaded)"
    drawn = "".join(text for text, _font in calls)
    assert all(ch in drawn for ch in name + shop), f"{lang}: the name or shop was not drawn"
    lines = "\n".join(text for text, _font in calls)
    assert not leaks(lines, lang, (name, shop, "CEMTEST123")), \
        f"{lang}: the certificate is not in the partner's language: {leaks(lines, lang)}"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_shared_characters_go_to_a_run_whose_font_has_them(lang):
    own = LANGUAGES[lang][1]
    mixed = f"({own}) ID CEM-12 । {own}: ₹1,200–1,500… ok"
    parts = scripts.runs(mixed)
    assert "".join(part for _script, part in parts) == mixed
    missing = {part: [ch for ch in part if not ch.isspace()
                      and ord(ch) not in _cmap(str(script.font_path()))]
               for script, part in parts}
    assert not any(missing.values()), f"{lang}: {missing}"
