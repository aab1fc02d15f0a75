"""Every SMS Saathi sends costs at most two segments, in every language: a partner, a rep and
an invited shop walk every dialogue over SMS (tests/i18n/walk.py), and every answer and every
proactive SMS they get is counted as a carrier counts it (GSM-7 or UCS-2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels import dlt
from bot.channels.sms import MAX_SEGMENTS, MORE_HINT, segments
from bot.i18n import LANGUAGES, translate
from models.db import engine as current_engine
from models.db import unit_of_work
from models.messaging.outbox import OutboxMessage
from tests.conftest import _make_app
from tests.i18n.walk import INVITEE, PARTNER, REP, Walk, load_programs, spy

# Proactive SMS with no DLT template yet (bot/channels/dlt.yaml): their texts join several
# messages or lines that vary (reports, lists of outcomes), and need templates of their own
# before SMS_PROVIDER=gupshup sends them; until then the Gupshup sender refuses them.
NOT_YET_REGISTERED = {"bot/notices/invoices.py::tell_result", "workers/bulk_enroll.py::run",
                      "workers/scan.py::scan_decoded", "bot/notices/outbound.py::queue_reply",
                      # came with USSD and the support inbox: the link to an image a feature
                      # phone cannot show, and an agent's typed answer (free text, which DLT
                      # only carries inside a registered wording)
                      "bot/notices/links.py::send_media_links",
                      "bot/notices/support.py::send_answer",
                      # a campaign's text is the brand's own (per campaign, registered on the
                      # DLT portal when the campaign is made, not from our catalogs)
                      "bot/notices/campaigns.py::_queue",
                      "?"}  # rows queued without an idempotency key: the walk cannot name them
# A voucher with its QR code's link runs over two segments in some scripts (Tamil, Hindi), so
# it is paged and the first page matches no template: it needs a shorter link.
PAGED = {"bot/notices/redemptions.py::tell"}
NOT_WALKED = {"tier_down", "out_of_stock", "ticket_opened"}  # not in the walk


@pytest.fixture
def app(request, tmp_path):
    """SQLite only: a segment count does not depend on the database (the same walk runs on
    both in tests/i18n/test_no_english.py)."""
    app = _make_app("sqlite", request, tmp_path)
    with app.app_context():
        yield app
        current_engine().dispose()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_sms_of_every_flow_and_notice_fits_two_segments(app, twilio, clock, monkeypatch,
                                                              lang):
    load_programs()
    reached = spy(monkeypatch)
    walk = Walk(twilio, clock, lang, reached, channel="sms")
    answers = [(s.where, s.text) for s in walk.run() if " sent " in s.where]
    with unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.phone.in_([PARTNER, REP, INVITEE]), OutboxMessage.channel == "sms"))
        proactive = [(reached.keys.get(r.idempotency_key, "?"), r.body, r.media_urls)
                     for r in rows]

    assert len(answers) > 150 and len(proactive) > 10
    long = [f"{where}: {segments(text)} segments: {text!r}" for where, text in answers
            + [(w, t) for w, t, _ in proactive] if segments(text) > MAX_SEGMENTS]
    assert not long, f"{lang}: {len(long)} SMS over two segments:\n" + "\n".join(long[:20])
    assert not [w for w, _, media in proactive if media], "an SMS carries no media, only links"
    if lang == "en":
        forcing = [text for _, text in answers if "₹" in text or "–" in text]
        assert not forcing, f"English SMS in UCS-2 for a rupee sign or a dash: {forcing[:3]}"
    matched, unregistered, paged = set(), set(), set()
    hint = translate(lang, MORE_HINT)
    for producer, text, _ in proactive:
        try:
            matched.add(dlt.match(text).name)
        except dlt.DltRefused:
            (paged if text.endswith(hint) else unregistered).add(producer)
    paged -= NOT_YET_REGISTERED
    assert paged <= PAGED, f"{lang}: paged proactive SMS (no DLT template) from {paged}"
    assert unregistered <= NOT_YET_REGISTERED, \
        f"{lang}: SMS of no DLT template from {sorted(unregistered - NOT_YET_REGISTERED)}"
    registered = {t.name for t in dlt.registry().templates}
    assert matched >= registered - NOT_WALKED - ({"voucher"} if paged else set()), \
        f"{lang}: templates never sent: {sorted(registered - matched)}"
