"""What a transcript expects, after a step (`expect:` in the step) or at its end:

    conversation: [redeem, otp]            # the phone's flow and state (on WhatsApp; or
                                           # [menu, idle, sms])
    balance: {CEMPRO: 1500}                # or {CEMPRO: {available: 1500, held: 500}}
    partner: {name: Ramesh Kumar, language: hi, parent: "+919820000001"}   # or null: none
    memberships: {TILEPRO: active}         # every membership, by program code
    redemptions: [cancelled, completed]    # every redemption's status, oldest first
    sms: [...]                             # every SMS sent to the phone (outbox), as replies
    outbox: [...]                          # every proactive message to the phone
    invoice: {status: review, total_paise: 7104000}   # the phone's latest invoice
    quiz_attempts: 1

A reply (or message) is matched by its exact text, or by {has: [..], lacks: [..], starts: ..,
ends: .., isnt: ..}; `save: name` keeps the text as $name for later steps.
"""

from __future__ import annotations

from sqlalchemy import func, select

from models import ledger
from models.db import unit_of_work
from models.invoices.invoice import Invoice
from models.learning.progress import QuizAttempt
from models.messaging.conversation import Conversation
from models.messaging.outbox import OutboxMessage
from models.partners.partner import Partner
from models.programs.program import Membership, Program, by_code
from models.redemptions.redemption import Redemption
from tests.transcripts.given import partner

MATCH_KEYS = {"has", "lacks", "starts", "ends", "isnt", "save"}


def match(where: str, expected: str | dict, actual: str, names: dict[str, str]) -> None:
    """Check one text; `names` gets what `save` keeps."""
    if isinstance(expected, str):
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"
        return
    assert not set(expected) - MATCH_KEYS, f"{where}: unknown matcher keys {expected}"
    for part in _listed(expected.get("has")):
        assert part in actual, f"{where}: {part!r} not in {actual!r}"
    for part in _listed(expected.get("lacks")):
        assert part not in actual, f"{where}: {part!r} in {actual!r}"
    assert actual.startswith(expected.get("starts", "")), f"{where}: start of {actual!r}"
    assert actual.endswith(expected.get("ends", "")), f"{where}: end of {actual!r}"
    assert actual != expected.get("isnt"), f"{where}: {actual!r} again"
    if "save" in expected:
        names[expected["save"]] = actual


def match_all(where: str, expected: list, actual: list[str], names: dict[str, str]) -> None:
    assert len(actual) == len(expected), f"{where}: {len(expected)} expected, got {actual!r}"
    for n, (want, got) in enumerate(zip(expected, actual, strict=True)):
        match(f"{where}[{n}]", want, got, names)


def _listed(value: str | list | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else value


def check(where: str, expect: dict, phone: str, names: dict[str, str]) -> None:
    """Check every expectation in `expect` for `phone`."""
    unknown = set(expect) - set(CHECKS)
    assert not unknown, f"{where}: unknown expectations {sorted(unknown)}"
    with unit_of_work() as session:
        for key, wanted in expect.items():
            CHECKS[key](f"{where} {key}", session, phone, wanted, names)


def _conversation(where, session, phone, wanted, names) -> None:
    flow, state, *channel = wanted
    got = session.execute(select(Conversation.flow, Conversation.state).where(
        Conversation.phone == phone, Conversation.channel == (channel or ["whatsapp"])[0])).one()
    assert tuple(got) == (flow, state), f"{where}: {tuple(got)}"


def _balance(where, session, phone, wanted, names) -> None:
    member = partner(session, phone)
    for code, want in wanted.items():
        got = ledger.wallet_balance(session, member.id, by_code(session, code).id)
        if isinstance(want, int):
            assert got.balance == want, f"{where} {code}: {got}"
            continue
        for field, value in want.items():
            assert getattr(got, field) == value, f"{where} {code} {field}: {got}"


def _partner(where, session, phone, wanted, names) -> None:
    found = session.scalar(select(Partner).where(Partner.phone == phone))
    if wanted is None:
        assert found is None, f"{where}: {phone} exists"
        return
    assert found is not None, f"{where}: no partner {phone}"
    for field, value in wanted.items():
        if field == "parent":
            got = session.scalar(select(Partner.phone).where(Partner.id == found.parent_id))
        else:
            got = getattr(found, field)
        assert got == value, f"{where} {field}: {got!r}"


def _memberships(where, session, phone, wanted, names) -> None:
    rows = session.execute(select(Program.code, Membership.status)
                           .join(Membership, Membership.program_id == Program.id)
                           .join(Partner, Partner.id == Membership.partner_id)
                           .where(Partner.phone == phone)).all()
    assert dict(rows) == wanted, f"{where}: {dict(rows)}"


def _redemptions(where, session, phone, wanted, names) -> None:
    got = list(session.scalars(select(Redemption.status).order_by(Redemption.id)))
    assert got == wanted, f"{where}: {got}"


def _outbox(channel: str | None):
    def check_sent(where, session, phone, wanted, names) -> None:
        stmt = select(OutboxMessage.body).where(OutboxMessage.phone == phone)
        if channel:
            stmt = stmt.where(OutboxMessage.channel == channel)
        match_all(where, wanted, list(session.scalars(stmt.order_by(OutboxMessage.id))), names)
    return check_sent


def _invoice(where, session, phone, wanted, names) -> None:
    invoice = session.scalar(select(Invoice).where(Invoice.partner_id == partner(
        session, phone).id).order_by(Invoice.id.desc()).limit(1))
    for field, value in wanted.items():
        got = getattr(invoice, field)
        assert str(got) == str(value), f"{where} {field}: {got!r}"


def _quiz_attempts(where, session, phone, wanted, names) -> None:
    got = session.scalar(select(func.count(QuizAttempt.id)))
    assert got == wanted, f"{where}: {got}"


CHECKS = {"conversation": _conversation, "balance": _balance, "partner": _partner,
          "memberships": _memberships, "redemptions": _redemptions, "sms": _outbox("sms"),
          "outbox": _outbox(None), "invoice": _invoice, "quiz_attempts": _quiz_attempts}
