"""A partner's life in one language, from the first "Hi" to redeeming, and a distributor's rep
in the same language, over the signed webhook; the jobs and domain operations that send
proactive messages run too. Every text they get is kept with where it came from, and the walk
records which flow states and which notice producers (functions that queue an outbox message)
it reached, so a test can tell when a new state or notice is left unwalked.

Answers are numbers, keys, keywords and data (names, PIN codes, codes): the same script walks
every language, including ones added later.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import re
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from bot import router
from bot.i18n import LANGUAGES, translate
from bot.messages import Reply
from bot.notices import outbound
from bot.notices.expiry import remind
from bot.notices.invoices import result_text, tell_result
from bot.notices.links import send_export_link, send_media_links
from flows import engine
from models import campaigns, events, keys, ledger, review, yamltext
from models.admin import controls
from models.campaigns import Campaign, referrals
from models.codes import tables as qr
from models.codes.format import group
from models.db import unit_of_work
from models.enrollment import join as enrollment
from models.events import CertificateGranted
from models.invoices.invoice import Invoice, InvoiceStatus, Reason
from models.invoices.read import InvoiceRead
from models.invoices.rules import submit
from models.learning import certificates as certification
from models.learning import recertification
from models.learning.certificates import Certificate
from models.learning.progress import content_of, question
from models.ledger import budget
from models.ledger.tables import JournalEntry
from models.messaging.conversation import Conversation
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner, Role
from models.programs.campaign_spec import CampaignSpec
from models.programs.program import Membership, Program, by_code, load_spec
from models.programs.schema import parse
from models.redemptions import payouts, stock, vouchers
from models.redemptions.payout_states import PayoutState
from models.redemptions.redemption import Redemption
from models.support import tickets
from models.support.tickets import Ticket, TicketReason, open_ticket
from tests.mediahost import media_host, provider_media
from workers import campaigns as campaign_jobs
from workers import ledger as ledger_jobs
from workers.redemptions import expire_vouchers

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "flows", "models", "workers")
PARTNER, OTHER, INVITEE = "+919812345601", "+919812345602", "+919812399999"
ERASED = "+919812388888"  # a shop an operator erases (its last SMS is scrubbed once sent)
REP, DISTRIBUTOR = "+919820012346", "+919820012345"  # Sai Traders (programs/cempro.yaml)
SELLER = "27AAACS1234P1Z7"  # Sai Traders' GSTIN
NAMES = ("Ramesh Kumar", "Kumar Hardware", "Suresh Patil", "Patil Stores", "Mohan Lal",
         "Lal Stores", "Gita Devi")


@dataclass(frozen=True)
class Seen:
    lang: str | None  # the language the reader chose (None: not chosen yet)
    where: str
    text: str


@dataclass
class Reached:
    states: set[tuple[str, str]] = field(default_factory=set)
    producers: set[str] = field(default_factory=set)
    keys: dict[str, str] = field(default_factory=dict)  # outbox key -> producer
    replies: list[Reply] = field(default_factory=list)  # the last message's, as flows meant


def _where(code) -> str:
    path = Path(code.co_filename).resolve()
    return f"{path.relative_to(ROOT)}::{code.co_name}" if ROOT in path.parents else code.co_name


# Producers whose message has no text to read: a voice note speaks a reply the walk checked
# as text (tests/voice/test_voice_prompts.py walks it with espeak-ng).
AUDIO_ONLY = ("workers/voice_notes.py",)


@functools.cache
def notice_producers() -> frozenset[str]:
    """Every function in the code that queues an outbox message ("path::function"), except
    the outbox module itself and AUDIO_ONLY (the source is parsed once per run)."""
    found = set()
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "bot" / "notices" / "outbound.py" or \
                    str(path.relative_to(ROOT)) in AUDIO_ONLY:
                continue
            source = path.read_text(encoding="utf-8")
            if "queue_message" not in source:  # no call of it: not parsed
                continue
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                        isinstance(c, ast.Call) and getattr(c.func, "id", getattr(
                            c.func, "attr", None)) == "queue_message" for c in ast.walk(node)):
                    found.add(f"{path.relative_to(ROOT)}::{node.name}")
    return frozenset(found)


def walked_states() -> set[tuple[str, str]]:
    """Every (flow, state) of the registered dialogues (test-only flows aside)."""
    return {(f.name, s) for f in engine.FLOWS.values() if not f.name.startswith("test_")
            for s in f.states}


def spy(monkeypatch) -> Reached:
    """Record the flow states whose prompt or handler runs, and who queues outbox messages."""
    reached = Reached()
    for name, flow in list(engine.FLOWS.items()):
        states = {state_name: _recorded(state, reached, name, state_name)
                  for state_name, state in flow.states.items()}
        entry = flow.entry and _recorded(flow.entry, reached, name, flow.start)
        monkeypatch.setitem(engine.FLOWS, name, dataclasses.replace(flow, states=states,
                                                                    entry=entry))
    for producer in notice_producers():  # imported now, so that their `queue_message` is ours
        importlib.import_module(producer.split("::")[0].removesuffix(".py").replace("/", "."))
    original = outbound.queue_message

    def queue_message(session, **kwargs):
        producer = _where(sys._getframe(1).f_code)
        reached.producers.add(producer)
        if kwargs.get("key"):
            reached.keys[kwargs["key"]] = producer
        return original(session, **kwargs)

    for module in list(sys.modules.values()):
        if getattr(module, "queue_message", None) is original:
            monkeypatch.setattr(module, "queue_message", queue_message)
    handle = router.handle

    def handled(message, **kwargs):
        reached.replies = handle(message, **kwargs)
        return reached.replies

    monkeypatch.setattr(router, "handle", handled)
    return reached


def _recorded(state: engine.State, reached: Reached, flow: str, name: str) -> engine.State:
    """`state` with every handler, prompt and hook recording that it ran."""
    hooks = ("text", "media", "location", "prompt", "before", "resume")
    return dataclasses.replace(state, **{
        hook: _recording(func, reached, flow, name)
        for hook in hooks if (func := getattr(state, hook)) is not None})


def _recording(func, reached: Reached, flow: str, state: str):
    def run(*args):
        reached.states.add((flow, state))
        return func(*args)
    return run


class Walk:
    """One partner (and the rep, the invitee) chatting in `lang`; `seen` keeps every text."""

    def __init__(self, twilio, clock, lang: str, reached: Reached,
                 channel: str = "whatsapp") -> None:
        self.twilio, self.clock, self.lang, self.reached = twilio, clock, lang, reached
        self.channel = channel
        self.number = LANGUAGES[lang][1]  # the language by its own name (on any page)
        self.seen: list[Seen] = []
        self.chosen: dict[str, str | None] = {}
        self.drawn: list[tuple[str, Reply]] = []  # every reply with options, in its language

    # Talking -------------------------------------------------------------------------------

    def chat(self, body: str, phone: str = PARTNER, **media: str) -> list[str]:
        extra = {"NumMedia": "1", **media} if media else {}
        replies = self.twilio.chat(phone, body, channel=self.channel, **extra)
        where = f"{phone[-4:]} sent {body or 'a file'!r}, at {'/'.join(self.state(phone))}"
        self.seen += [Seen(self.chosen.get(phone), where, text) for text in replies]
        self.drawn += [(self.chosen.get(phone) or "en", r) for r in self.reached.replies
                       if r.options]
        return replies

    def photo(self, data: bytes, phone: str = PARTNER, body: str = "",
              content_type: str = "image/jpeg") -> list[str]:
        url = provider_media(data, ".jpg" if "jpeg" in content_type else ".png")
        return self.chat(body, phone, MediaUrl0=url, MediaContentType0=content_type)

    def state(self, phone: str = PARTNER) -> tuple[str, str]:
        with unit_of_work() as session:
            conv = session.scalar(select(Conversation).where(
                Conversation.phone == phone, Conversation.channel == self.channel))
            return (conv.flow, conv.state) if conv else ("-", "-")

    def data(self, phone: str = PARTNER) -> dict:
        with unit_of_work() as session:
            return dict(session.scalar(select(Conversation.data).where(
                Conversation.phone == phone, Conversation.channel == self.channel)))

    def outbox(self) -> list[Seen]:
        """Every proactive message sent to the walkers, body and template values."""
        with unit_of_work() as session:
            rows = session.scalars(select(OutboxMessage).where(
                OutboxMessage.phone.in_([PARTNER, REP, INVITEE])).order_by(OutboxMessage.id))
            return [Seen(self.lang, f"notice {self.reached.keys.get(r.idempotency_key, '?')} "
                         f"({r.idempotency_key})", text)
                    for r in rows for text in [r.body, *map(str, r.template_vars.values())]]

    # The walk ------------------------------------------------------------------------------

    def run(self) -> list[Seen]:
        self.enroll()
        self.globals()
        self.second_program()
        self.scan()
        self.learn()
        self.invoices()
        self.redeem()
        self.rep()
        self.invitee()
        self.notices()
        self.wallet()
        self.leaderboard()
        self.held_earns()
        self.support()
        self.privacy()
        return self.seen + self.outbox()

    def enroll(self) -> None:
        for body in ("Hi", "JOIN", "NOPE", "CEMPRO REF SAITRD"):
            self.chat(body)  # in English: no language chosen yet
        self.chosen[PARTNER] = self.lang
        for body in (self.number, "x", "1", "Ramesh Kumar", "Kumar Hardware", "0123",
                     "400001", "12345", "27AAACS1234P1Z8", "SKIP", "x", "1"):
            self.chat(body)

    def globals(self) -> None:
        for body in ("HELP", "99", "hello", "LANG", self.number, "BALANCE", "LANG", self.number,
                     "MENU", "STOP", "START", "BALANCE"):
            self.chat(body)
        self.clock.advance(minutes=31)
        self.chat("1")  # timed out: back at the menu

    def second_program(self) -> None:
        for body in ("JOIN LUBE", "2", "JOIN LUBE", "1", "JOIN CEMPRO", "BALANCE", "1", "3"):
            self.chat(body)
        with unit_of_work() as session:
            partner = _partner(session, PARTNER)
            ledger.adjust(session, partner_id=partner.id, program_id=_id(session, "CEMPRO"),
                          credits=3000, key="walk-grant", reason="welcome bonus", actor="admin")

    def scan(self) -> None:
        codes = self._batch("CEMPRO", "WALK", 4, 5)
        big = self._batch("CEMPRO", "BIG", 1, 800)
        void = self._batch("CEMPRO", "OLD", 1, 5)
        flagged = self._batch("CEMPRO", "KERALA", 2, 5, region="Kerala")
        elec = self._batch("ELEC", "E1", 1, 5)
        with unit_of_work() as session:
            qr.void_batch(session, qr.find_batch(session, "OLD", "CEMPRO"))
            other = Partner(phone=OTHER, role=Role.RETAILER, name="Mohan Lal", shop="Lal Stores")
            session.add(other)
            session.flush()
            session.add(Membership(partner_id=other.id, program_id=_id(session, "CEMPRO")))
            ledger.ensure_wallet(session, other.id, _id(session, "CEMPRO"))
        self.twilio.chat(OTHER, f"CODE {codes[3]}", channel=self.channel)
        for body in (f"CODE {codes[0]}", f"CODE {codes[0]}", f"CODE {codes[3]}", "CODE 1234",
                     "MENU", f"CODE {void[0]}", f"CODE {elec[0]}"):
            self.chat(body)
        self.clock.advance(minutes=2)  # (more than 5 scans a minute go to review)
        for body in (f"CODE {flagged[0]}", f"CODE {flagged[1]}", "CODE", codes[1],
                     f"CODE {big[0]}"):
            self.chat(body)
        self.chat("CODE")
        self.photo(_blank())  # no code in it: the job says so
        with unit_of_work() as session:
            items = review.pending(session, "qr_scan")
            review.decide(session, items[0].id, approve=True, actor="admin")
            review.decide(session, items[1].id, approve=False, actor="admin")
        ledger_jobs.recompute_tiers()

    def learn(self) -> None:
        self.chat("INVITE")  # the partner's own invite code
        self.chat("VOICE")  # voice notes on (none prepared here: the texts alone come)
        self.chat("LEARN")
        self.chat("x")
        self.chat("1")
        while self.state() == ("learn", "module"):
            self.chat("NEXT")
        self.chat("LEARN")
        self.chat("1")  # the quiz opens a little later
        self.clock.advance(minutes=3)
        self.chat("LEARN")
        self.chat("1")
        self.chat("x")
        while self.state() == ("learn", "quiz"):
            self.chat(self._answer(right=False))
        self.chat("LEARN")
        self.chat("1")  # cooling down
        self.clock.advance(minutes=61)
        self.chat("LEARN")
        self.chat("1")
        first = True
        while self.state() == ("learn", "quiz"):
            self.chat(self._answer(right=not first))
            first = False
        self.chat("LEARN")
        self.chat("1")  # already certified
        self.chat("VOICE")  # and off again
        with unit_of_work() as session:
            cert = session.scalar(select(Certificate).where(
                Certificate.partner_id == _partner(session, PARTNER).id))
            events.record(session, CertificateGranted(cert.id, announce=True))  # as after a review

    def invoices(self) -> None:
        from tests.invoice.conftest import einvoice_photo

        self.chat("invoice")
        self.chat("hello")
        self.photo(einvoice_photo(7, seller=SELLER)[0])
        self._unsure_invoice("WALK-1", "0" * 64)
        self.chat("HELP")
        self.chat("x")
        self.chat("999999")  # far from what was read: goes to review
        with unit_of_work() as session:
            review.decide(session, review.pending(session, "invoice")[0].id,
                          approve=True, actor="admin")
        with unit_of_work() as session:  # a credit note against the credited invoice
            credited = session.scalar(select(Invoice).where(
                Invoice.status == InvoiceStatus.CREDITED).limit(1))
            events.record(session, events.InvoiceReturned(
                credited.id, credited.partner_id, credited.program_id, "CN-7", 2))
        self._unsure_invoice("WALK-2", "f" * 64)
        self.chat("2")
        self.chat("", MediaUrl0=media_host().origin + "/Media/gone.jpg",
                  MediaContentType0="image/jpeg")
        self.chat("", MediaUrl0=provider_media(b"OggS", ".ogg"), MediaContentType0="audio/ogg")
        with unit_of_work() as session:
            partner = _partner(session, PARTNER)
            entry = session.scalar(select(JournalEntry.id).where(
                JournalEntry.partner_id == partner.id).limit(1))
            for status in InvoiceStatus:
                for reason in (Reason if status == InvoiceStatus.REJECTED else [None]):
                    invoice = Invoice(partner_id=partner.id, program_id=_id(session, "CEMPRO"),
                                      status=status, reason=reason, number="INV-77",
                                      seller_gstin=SELLER, read_total_paise=None, credits=3,
                                      entry_id=entry)
                    self.seen.append(Seen(self.lang, f"invoice {status} {reason}",
                                          result_text(session, invoice, self.lang)))

    def redeem(self) -> None:
        with unit_of_work() as session:
            stock.upload_codes(session, _id(session, "CEMPRO"), "ecom_250", ["ECOM-1111"])
        for body in ("REDEEM", "x", "1", "99", "1", "abc", "7", "120", "100", "bad",
                     "fail@sandbox", "2", "fail@sandbox", "1", "000000"):
            self.chat(body)
        self.chat(self._otp())  # the payout fails: the credits come back
        for body in ("REDEEM", "1", "1", "100", "2", "ramesh.kumar@okhdfc", "1"):
            self.chat(body)
        self.chat(self._otp())
        with unit_of_work() as session:
            paid = session.scalars(select(Redemption).order_by(Redemption.id.desc())).first()
            payouts.apply(session, paid, PayoutState(paid.payout_id, "reversed"))
        for item in ("inventory_credit", "staff_training", "ecom_250", "fuel_500"):
            for body in ("REDEEM", "1", item, "1"):
                self.chat(body)
            if self.state() == ("redeem", "otp"):
                self.chat(self._otp())
        self.chat("REDEEM")
        self.chat("2")  # LUBE: too few credits for anything
        self.clock.advance(minutes=5)

    def rep(self) -> None:
        with unit_of_work() as session:
            for phone in (REP, DISTRIBUTOR):
                _partner(session, phone).language = self.lang
        self.chosen[REP] = self.lang
        voucher = self._voucher("inventory_credit")
        rows = f"Suresh Patil, {INVITEE[3:]}, Patil Stores, 400002, {self.lang}"
        for body in ("MENU", "ENROLL", rows, f"ENROLL CEMPRO\n{rows}\nGita Devi, 12, x, 1",
                     "JOIN CEMPRO", f"VERIFY {voucher}", "VERIFY SV-AAAA-BBBB",
                     "AUDIT APPROVE CEMXXXXX", "AUDIT", "REDEEM"):
            self.chat(body, REP)
        self.chat("VERIFY", REP)
        self.photo(_blank(), REP)
        self.chat(f"VERIFY {voucher}", PARTNER)

    def invitee(self) -> None:
        self.chosen[INVITEE] = self.lang
        for body in ("Hi", self.number, "1"):
            self.chat(body, INVITEE)

    def notices(self) -> None:
        with unit_of_work() as session:  # WhatsApp refused one as outside the window
            refused = session.scalars(select(OutboxMessage).where(
                OutboxMessage.phone == PARTNER, OutboxMessage.channel == "whatsapp")
                .order_by(OutboxMessage.id.desc())).first()
            if refused is not None:  # none when the walk is on SMS
                outbound.fall_back_to_sms(session, refused)
        with unit_of_work() as session:  # asked for a person (the support inbox answers)
            open_ticket(session, _partner(session, PARTNER), channel="sms",
                        reason=TicketReason.ASKED_FOR_PERSON)
        expiry = self.clock.now + timedelta(days=365 - 30)
        self.clock.set(expiry)
        with unit_of_work() as session:
            remind(session)
        expire_vouchers()
        with unit_of_work() as session:  # a certificate's image to a phone on USSD
            send_media_links(session, phone=PARTNER, urls=["https://saathi.test/c.png"],
                             lang=self.lang, channel="ussd", provider_id="walk")
            send_export_link(session, phone=PARTNER, url="https://saathi.test/export/t0k3n",
                             lang=self.lang, provider_id="walk")  # MY DATA on USSD
        self.wallet()
        doc = yamltext.load_shared((ROOT / "programs" / "cempro.yaml").read_text(encoding="utf-8"))
        with unit_of_work() as session:
            from models.programs.tracks import _read_include

            doc["tracks"] = _read_include(doc["tracks"]["include"])
            doc["tracks"]["modules"][0]["version"] += 1
            recertification.sync(session, load_spec(session, parse(doc)))
        self.clock.advance(days=31)
        ledger_jobs.expire()
        with unit_of_work() as session:
            entry = session.scalars(select(JournalEntry).where(
                JournalEntry.cause == "qr_code").order_by(JournalEntry.id)).first()
            ledger.reverse(session, key="walk-reverse", original_key=entry.key,
                           reason="code returned", actor="admin")
        ledger_jobs.recompute_tiers()
        self.chat("HELP ME")  # a ticket; the agent's answer is their own words (no English)
        with unit_of_work() as session:
            ticket = session.scalars(select(Ticket)).first()
            tickets.answer(session, ticket.id, text="🙏", key="walk-answer")
        with unit_of_work() as session:  # a campaign worded by a catalog message
            campaign = campaigns.save(session, by_code(session, "CEMPRO"), CampaignSpec(
                code="WALK", msgid="You are welcome! Send MENU any time.", urgent=True))
            campaigns.schedule(session, campaign, None)
            campaign_id = campaign.id
        campaign_jobs.run(campaign_id)
        self.referrals()

    def referrals(self) -> None:
        """Two shops join with the partner's invite code and earn: one pays the partner's
        bonus, the other (a phone number close to theirs) is held for review, then refused."""
        with unit_of_work() as session:
            program = by_code(session, "CEMPRO")
            code = referrals.invite_code(session, _partner(session, PARTNER).id)
            for phone in ("+919700000001", PARTNER[:-2] + "77"):
                member = enrollment.join(session, phone=phone, program=program)
                referrals.link(session, program, session.get(Partner, member.partner_id), code)
                ledger.earn(session, partner_id=member.partner_id, program_id=program.id,
                            credits=10, key=f"walk-referral:{phone}", cause="invoice",
                            cause_ref="walk")
            held = review.pending(session, referrals.REVIEW_KIND)[0]
            review.decide(session, held.id, approve=False, actor="admin")

    def wallet(self) -> None:
        for body in ("BALANCE", "99", "1", "99", "1", "2", "3", "BALANCE", "2", "1", "3"):
            self.chat(body)

    def leaderboard(self) -> None:
        """TOP: CEMPRO's board, each area and period, the name hidden and shown again; a
        milestone campaign pays for the next scanned code (its notice)."""
        for body in ("TOP", "1", "x", "1", "3", "4", "4", "5"):
            self.chat(body)
        code = self._batch("CEMPRO", "MILESTONE", 1, 5)[0]
        with unit_of_work() as session:
            campaign = campaigns.save(session, by_code(session, "CEMPRO"), CampaignSpec(
                code="WALK-MILESTONE", kind="milestone", msgid="You are welcome! Send MENU "
                "any time.", milestone={"target": 1, "credits": 10}))
            campaign.status = campaigns.CampaignStatus.DONE  # announced: it pays from now
        self.chat(f"CODE {code}")

    def held_earns(self) -> None:
        """Earns the budget cap holds back, each decided by its review: a certificate's
        credits (announced as waiting) and an invoice's bonus (approved, then refused) and a
        milestone's (refused)."""
        with unit_of_work() as session:
            partner = _partner(session, PARTNER)
            cert = session.scalar(select(Certificate).where(Certificate.partner_id == partner.id))
            invoice = session.scalars(select(Invoice).where(
                Invoice.partner_id == partner.id, Invoice.number.is_not(None))).first()
            campaign = session.scalar(select(Campaign).where(Campaign.code == "WALK-MILESTONE"))
            content = content_of(session.get(Program, cert.program_id))
            track = next(t for t in content.tracks if t.code != cert.track)
            other = Certificate(public_id="WALKHELD23", partner_id=partner.id,
                                program_id=cert.program_id, track=track.code,
                                version=content.version_of(track), module_versions={})
            session.add(other)
            session.flush()
            budget.force(session, cert.program_id, 10**9)  # no budget left this month
            certification.grant(session, other, announce=True)  # says its credits wait
            earns = [(cert.program_id, "certification", cert.public_id, "walk-cert")]
            earns += [(invoice.program_id, "bonus", f"campaign:{n}",
                       keys.campaign_bonus(n, keys.invoice_credit(invoice.id))) for n in (1, 2)]
            earns.append((campaign.program_id, "bonus", f"campaign:{campaign.id}",
                          keys.milestone(campaign.id, "w2099-01-05", partner.id)))
            for program_id, cause, ref, key in earns:
                budget.force(session, program_id, 10**9)  # no budget left this month
                ledger.earn(session, partner_id=partner.id, program_id=program_id, credits=10,
                            key=key, cause=cause, cause_ref=ref)
            held = [keys.certification(partner.id, cert.program_id, track.code,
                                       other.version), *(key for *_, key in earns)]
            items = sorted((item for item in review.pending(session, budget.REVIEW_KIND)
                            if item.payload["key"] in held),
                           key=lambda item: held.index(item.payload["key"]))
            for item, approve in zip(items, (True, False, True, False, False), strict=True):
                review.decide(session, item.id, approve=approve, actor="admin")

    def support(self) -> None:
        label, shown = translate(self.lang, "Talk to a person"), self.chat("MENU")
        while not any(label in text for text in shown):  # an SMS menu pages on: MORE
            shown = self.chat("MORE")
        number = menu_number(shown, label)
        for body in (number, "x", "2", number, "1"):
            self.chat(body)

    def privacy(self) -> None:
        """CEMPRO's notice changes: asked again at the next message (a wrong answer, then yes);
        DELETE declined; MY DATA with its code; an operator erases another shop."""
        doc = yamltext.load_shared((ROOT / "programs" / "cempro.yaml").read_text(encoding="utf-8"))
        with unit_of_work() as session:
            from models.programs.tracks import _read_include

            doc["tracks"] = _read_include(doc["tracks"]["include"])
            doc["privacy"]["notice_version"] = 2
            load_spec(session, parse(doc))
        for body in ("MENU", "x", "1", "DELETE", "x", "2", "MYDATA", "12"):
            self.chat(body)
        self.chat(self._otp())  # MY DATA: the link to the ZIP
        with unit_of_work() as session:  # an operator erases a shop: its last SMS
            shop = Partner(phone=ERASED, language=self.lang)
            session.add(shop)
            session.flush()
            controls.erase(session, controls.Actor("walk"), shop, "asked by letter")

    # Helpers -------------------------------------------------------------------------------

    def _batch(self, program: str, name: str, count: int, credits: int,
               region: str | None = None) -> list[str]:
        with unit_of_work() as session:
            batch = qr.create_batch(session, program=by_code(session, program), name=name,
                                    count=count, credits=credits, region=region)
            return [group(code) for _serial, code in qr.batch_codes(batch)]

    def _answer(self, right: bool) -> str:
        data = self.data()
        with unit_of_work() as session:
            content = content_of(session.get(Program, data["program_id"]))
        ref, order = data["plan"][data["q"]]
        answer = question(content, ref).answer - 1
        index = order.index(answer) if right else next(i for i, o in enumerate(order)
                                                         if o != answer)
        return str(index + 1)

    def _otp(self) -> str:
        with unit_of_work() as session:
            body = session.scalars(select(OutboxMessage.body).where(
                OutboxMessage.phone == PARTNER, OutboxMessage.channel == "sms")
                .order_by(OutboxMessage.id.desc())).first()
        return re.search(r"\b(\d{6})\b", body).group(1)

    def _unsure_invoice(self, number: str, image_hash: str) -> None:
        read = InvoiceRead(seller_gstin=SELLER, invoice_number=number,
                           invoice_date=self.clock.now.date() - timedelta(days=2),
                           total_paise=2_500_000,
                           confidence={"seller_gstin": 0.99, "invoice_number": 0.95,
                                       "invoice_date": 0.95, "total_paise": 0.3})
        with unit_of_work() as session:
            invoice = Invoice(partner_id=_partner(session, PARTNER).id, upload_key=number,
                              channel=self.channel, media_url="/media/walk.jpg", sha256=number,
                              image_hash=image_hash, status=InvoiceStatus.NEW)
            tell_result(session, submit(session, invoice, read))

    def _voucher(self, item: str) -> str:
        with unit_of_work() as session:
            return session.scalar(select(vouchers.Voucher.code).where(
                vouchers.Voucher.item_key == item).order_by(vouchers.Voucher.id.desc()))


def menu_number(replies: list[str], label: str) -> str:
    """The number of the menu line that reads `label`."""
    lines = "\n".join(replies).splitlines()
    return next(line.split(".")[0] for line in lines if line.endswith(f". {label}"))


def _partner(session, phone: str) -> Partner:
    return session.scalar(select(Partner).where(Partner.phone == phone))


def _id(session, code: str) -> int:
    return by_code(session, code).id


def _blank() -> bytes:
    import io

    out = io.BytesIO()
    Image.new("RGB", (320, 240), "white").save(out, "JPEG")
    return out.getvalue()


def load_programs() -> None:
    """Load every demo program as shipped."""
    from models.programs.program import load_file

    with unit_of_work() as session:
        for path in sorted((ROOT / "programs").glob("*.yaml")):
            load_file(session, path)


