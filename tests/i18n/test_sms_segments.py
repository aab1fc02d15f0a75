"""Every SMS Saathi sends costs at most two segments and is one registered DLT template, in
every language: a partner, a rep and an invited shop walk every dialogue over SMS
(tests/i18n/walk.py), and every answer, every page kept for MORE and every proactive SMS they
get is counted as a carrier counts it (GSM-7 or UCS-2) and matched with the DLT registry.

The walk also checks that bot/channels/dlt_flows.yaml is up to date: every flow template its
SMS need is registered (a changed message fails until
`.venv/bin/python scripts/dlt_templates.py --flows` writes them again, running this walk with
DLT_FLOW_SHAPES set to where each language's templates go)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bot.channels import dlt, dlt_shapes, sms
from bot.channels.sms import MAX_SEGMENTS, MORE_HINT, segments
from bot.i18n import LANGUAGES, translate
from models.db import engine as current_engine
from models.db import unit_of_work
from models.learning import progress
from models.messaging.outbox import OutboxMessage
from tests.conftest import _make_app
from tests.i18n import pages
from tests.i18n.walk import INVITEE, PARTNER, REP, Walk, load_programs, spy

# Proactive SMS with no DLT template (bot/channels/dlt.yaml): none. An agent's answer and a
# campaign's own words are free text, carried inside registered wordings (support_answer,
# campaign_promotional, campaign_service: tests/sms/test_dlt_free_text.py).
NOT_YET_REGISTERED: set[str] = set()
NOT_WALKED = {"tier_down", "out_of_stock", "ticket_opened", "ticket_call_back",  # not walked
              # an invoice's other outcomes, codes read from a photo, a batch refused whole
              "invoice_ask_date", "invoice_ask_number", "invoice_ask_total",
              "invoice_cancelled", "invoice_credited", "invoice_not_distributor_unnumbered",
              "invoice_not_buyer_unnumbered", "invoice_too_old_unnumbered",
              "invoice_cancelled_unnumbered",
              "invoice_duplicate_image", "invoice_duplicate_number", "invoice_no_credits",
              "invoice_not_buyer", "invoice_not_distributor", "invoice_review_rejected",
              "invoice_reviewing", "invoice_reviewing_gstin", "invoice_reviewing_number",
              "invoice_reviewing_total",
              "invoice_too_old", "invoice_unreadable", "invoice_small_print", "invoice_dark",
              "invoice_waiting", "scan_credited",
              "scan_invalid", "scan_not_member", "scan_review", "scan_used", "scan_used_by_you",
              "scan_void", "bulk_file_unreadable", "bulk_too_many",
              # answers sent through Gupshup's outbox, line by line, each page's footer too
              # (the walk's SMS answers come back whole over Twilio and are never matched:
              # tests/sms/test_gupshup_inbound.py sends these, every page, every language)
              "balance", "balance_available", "balance_debt", "balance_held", "balance_locked",
              "sms_help", "sms_more", "sms_nothing_more", "tier_next", "tier_next_reached",
              "tier_none", "tier_now", "leaderboard_sms", "leaderboard_no_pin",
              "partner_erased",  # an operator's erasure: its SMS is scrubbed once sent
              # a budget-cap refusal of an invoice or a code, a return while credits wait
              # (tests/campaigns/test_bonus.py, tests/invoice, tests/scan send them in English)
              "invoice_budget_refused", "code_budget_refused", "invoice_withdrawn",
              "campaign_promotional",  # the walk's campaign is urgent: service-explicit
              # sent through Gupshup instead of an SMS no template matches (the walk's SMS
              # go through Twilio, and all match): tests/sms/test_dlt_refused.py
              "sms_fallback"}


@pytest.fixture
def app(request, tmp_path):
    """SQLite only: a segment count does not depend on the database (the same walk runs on
    both in tests/i18n/test_no_english.py)."""
    app = _make_app("sqlite", request, tmp_path)
    with app.app_context():
        yield app
        current_engine().dispose()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sms_of_every_flow_and_notice_fits_two_segments(app, twilio, clock, monkeypatch,
                                                              lang):
    load_programs()
    # the same quiz questions every run: the flow templates the walk needs do not change
    monkeypatch.setattr(progress, "secrets", SimpleNamespace(randbelow=lambda n: 20261130 % n))
    reached = spy(monkeypatch)
    paged = pages.record(monkeypatch, sms, "pages")
    plan = dlt_shapes.plan  # the test's own plans are no flow's answers
    planned = _record_answers(monkeypatch)
    walk = Walk(twilio, clock, lang, reached, channel="sms")
    answers = [(s.where, s.text) for s in walk.run() if " sent " in s.where]
    hints = {"\n" + translate(code, MORE_HINT) for code in ("en", lang)}  # before LANG too
    alone = [o for made in paged for o in pages.orphaned(made, lambda p: next(
        (p.removesuffix(h) for h in hints if p.endswith(h)), p), apart=lambda heading, option:
        not sms.fits(plan(f"{heading}\n{option}{max(hints, key=len)}", lang)))]
    assert sum(len(made) > 1 for made in paged) >= 3, "the walk paged (nearly) nothing"
    assert not alone, f"{lang}: a heading without its options:\n" + "\n".join(alone[:5])
    with unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.phone.in_([PARTNER, REP, INVITEE]), OutboxMessage.channel == "sms"))
        proactive = [(_producer(reached, r.idempotency_key), r.body, r.media_urls)
                     for r in rows]

    assert len(answers) > 150 and len(proactive) > 10
    long = [f"{where}: {segments(text)} segments: {text!r}" for where, text in answers
            + [(w, t) for w, t, _ in proactive] if segments(text) > MAX_SEGMENTS]
    assert not long, f"{lang}: {len(long)} SMS over two segments:\n" + "\n".join(long[:20])
    assert not [w for w, _, media in proactive if media], "an SMS carries no media, only links"
    if lang == "en":
        forcing = [text for _, text in answers if "₹" in text or "–" in text]
        assert not forcing, f"English SMS in UCS-2 for a rupee sign or a dash: {forcing[:3]}"
        glued = [t for _, t in answers + [(w, t) for w, t, _ in proactive] if re.search(
            r"Rs\d", t)]
        assert not glued, f"English money written one way (Rs 1,400, as labels): {glued[:3]}"
    matched, unregistered = set(), {}
    for producer, text, _ in proactive:
        try:
            matched.add(dlt.match(text).name)
        except dlt.DltRefused:
            unregistered.setdefault(producer, text)
    assert translate(lang, MORE_HINT) not in "".join(t for _, t, _ in proactive), \
        f"{lang}: a proactive SMS paged for MORE (no DLT template can match a page)"
    assert set(unregistered) <= NOT_YET_REGISTERED, \
        f"{lang}: SMS of no DLT template: {unregistered}"
    _flow_templates_are_registered(lang, [t for _, t in answers], paged, planned)
    registered = {t.name for t in dlt.registry((dlt.REGISTRY,)).templates}
    assert matched >= registered - NOT_WALKED, \
        f"{lang}: templates never sent: {sorted(registered - matched - NOT_WALKED)}"


def _producer(reached, key: str | None) -> str:
    """Who queued the row with `key` (an SMS split off another row has its key and `:smsN`)."""
    return reached.keys.get((key or "").split(":sms")[0], "?")


def _record_answers(monkeypatch) -> list[tuple[str, str]]:
    """Every flow answer (before it is paged) and its language."""
    found: list[tuple[str, str]] = []
    plan = dlt_shapes.plan

    def planned(text: str, lang: str) -> str:
        found.append((text, lang))
        return plan(text, lang)

    monkeypatch.setattr(dlt_shapes, "plan", planned)
    return found


def _flow_templates_are_registered(lang: str, answers: list[str], paged: list[list[str]],
                                   whole: list[tuple[str, str]]) -> None:
    """Each answer and each page made for MORE is one registered template of at most two
    segments; every flow template the walk's answers need (whole, and cut
    into pages on their plans) is registered."""
    sent = list(dict.fromkeys([*answers, *(page for made in paged for page in made)]))
    needed = dlt_shapes.templates(list(whole))
    if folder := os.environ.get("DLT_FLOW_SHAPES"):
        Path(folder, f"{lang}.json").write_text(json.dumps(needed, ensure_ascii=False))
        return
    registered = {text for t in dlt.registry((dlt.FLOWS,)).templates
                  for text in t.texts.get(lang, ())}
    missing = sorted({text for texts in needed.values() for text in texts} - registered)
    assert not missing, (f"{lang}: bot/channels/dlt_flows.yaml lacks what the flows send "
                         f"({missing[:3]}): run .venv/bin/python scripts/dlt_templates.py --flows")
    refused, long = [], []
    for text in sent:
        try:
            dlt.match(text)
        except dlt.DltRefused as exc:  # it never quotes the text: the walk's own do
            alone = "" if dlt.words(dlt_shapes.shape(text, lang)) else \
                " (a page of values alone, which no DLT portal registers: cut it with words)"
            refused.append(f"{exc}{alone}: {text!r}")
        if segments(text) > MAX_SEGMENTS:
            long.append(text)
    assert not refused, f"{lang}: {len(refused)} SMS refused:\n" + "\n".join(refused[:10])
    assert not long, f"{lang}: SMS over two segments: {long[:3]}"
