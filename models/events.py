"""Domain events: what the domain did, recorded on the unit of work for the layers above.

The domain never sends and never draws: an operation records a small event (a tier changed,
a code was issued, an invoice was decided) and the layer that owns the consequence subscribes
to it — `bot/notices` turns events into outbox rows, and asks for jobs, in the same
transaction. Handlers run as the event is recorded, inside the caller's transaction (and
SAVEPOINT), so a rollback takes their rows with it, exactly as if the domain had written them.

Events are kept on `session.info` until the transaction ends, for tests and logs to read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

_KEY = "saathi.events"
Handler = Callable[[Session, object], None]
_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(kind: type, handler: Handler) -> None:
    """Call `handler(session, event)` for every event of `kind` recorded from now on."""
    if handler not in _handlers[kind]:
        _handlers[kind].append(handler)


def handles(kind: type) -> Callable[[Handler], Handler]:
    """Decorator form of `subscribe`."""
    def register(handler: Handler) -> Handler:
        subscribe(kind, handler)
        return handler
    return register


def record(session: Session, happened: object) -> None:
    """Record what happened on `session`'s unit of work and let the subscribers act on it."""
    session.info.setdefault(_KEY, []).append(happened)
    for handler in _handlers[type(happened)]:
        handler(session, happened)


def recorded(session: Session) -> list[object]:
    """The events recorded in `session`'s current transaction."""
    return list(session.info.get(_KEY, ()))


@sa_event.listens_for(Session, "after_commit")
@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_KEY, None)


@dataclass(frozen=True)
class ProgramLoaded:
    """A program file was loaded (new or a new version): the ledger opens its accounts."""
    program_id: int


@dataclass(frozen=True)
class TierChanged:
    partner_id: int
    program_id: int
    wallet_id: int
    old: str | None
    new: str | None
    up: bool
    on: date


@dataclass(frozen=True)
class OtpIssued:
    """A one-time code to send by SMS; the code is in clear only here and in the outbox row."""
    partner_id: int
    challenge_id: int
    code: str

    def __repr__(self) -> str:  # never print the code
        return f"OtpIssued(partner_id={self.partner_id}, challenge_id={self.challenge_id})"


@dataclass(frozen=True)
class InvoiceDecided:
    """A reviewer approved or rejected an invoice that waited for review."""
    invoice_id: int
    approved: bool


@dataclass(frozen=True)
class OverCapDecided:
    """A reviewer decided an earn the monthly budget cap held back (`key`: the held earn's);
    approved, `entry_id` is the entry that credited it."""
    review_item_id: int
    partner_id: int
    cause: str
    cause_ref: str
    key: str
    approved: bool
    entry_id: int | None = None
    credits: int = 0
    balance: int = 0


@dataclass(frozen=True)
class InvoiceReturned:
    """A return or credit note took back `credits` of a credited invoice's from the balance,
    and `withdrawn` of those that waited for the budget cap's review."""
    invoice_id: int
    partner_id: int
    program_id: int
    note: str
    credits: int
    withdrawn: int = 0


@dataclass(frozen=True)
class ScanReviewed:
    """A reviewer decided a flagged product code scan (`budget`: the budget cap's review)."""
    review_item_id: int
    partner_id: int
    code: str
    approved: bool
    credits: int = 0
    balance: int = 0
    budget: bool = False


@dataclass(frozen=True)
class CertificateOutdated:
    """A certificate's track got new module versions; its holder should re-certify."""
    certificate_id: int
    partner_id: int
    program_id: int
    track: str


@dataclass(frozen=True)
class CertificateGranted:
    """A certificate became valid: its image is to be drawn, and the partner told when they
    are not in the chat that earned it (`announce`)."""
    certificate_id: int
    announce: bool = False


@dataclass(frozen=True)
class PartnerInvited:
    """A distributor rep's bulk enrollment invited a shop to a program."""
    partner_id: int
    program_id: int
    distributor_id: int | None


@dataclass(frozen=True)
class PartnerJoined:
    """A partner became an active member of a program (joined, accepted an invitation, or
    was brought over from the brand's old program)."""
    partner_id: int
    program_id: int


@dataclass(frozen=True)
class ReferralDecided:
    """A referral's bonus was paid, refused or sent to review (models/campaigns/referrals)."""
    referral_id: int


@dataclass(frozen=True)
class RedemptionConfirmed:
    """A partner confirmed a redemption (or an operator retried it): fulfil it."""
    redemption_id: int


@dataclass(frozen=True)
class PayoutEnded:
    """A payout reached the partner (`outcome` "paid") or did not ("failed", "returned")."""
    redemption_id: int
    outcome: str
    key: str


@dataclass(frozen=True)
class TicketAnswered:
    """An agent answered a ticket: the partner receives `text` through the outbox."""
    ticket_id: int
    partner_id: int
    text: str
    key: str


@dataclass(frozen=True)
class TicketOpened:
    """A partner asked for a person: the partner is told someone will answer (unless the
    step that opened the ticket `told` them already, in its reply)."""
    ticket_id: int
    partner_id: int
    told: bool = False
    call_back: bool = False  # the partner asked to be called back (else answered in writing)


@dataclass(frozen=True)
class PartnerErased:
    """A partner's personal data was erased; `phone` is the number they wrote from (for the
    last message and for the traces job), and `by_partner` whether they asked in a chat."""
    partner_id: int
    phone: str
    language: str
    by_partner: bool


@dataclass(frozen=True)
class Earned:
    """A partner earned credits (a new ledger entry, not a replay nor one waiting for review):
    milestone campaigns count it."""
    partner_id: int
    program_id: int
    entry_id: int
    cause: str
    credits: int


@dataclass(frozen=True)
class EarnedMany:
    """A chunk of earns (a sales file's) credited these partners anew, for these causes."""
    program_id: int
    partner_ids: tuple[int, ...]
    causes: tuple[str, ...]


@dataclass(frozen=True)
class MilestoneReached:
    """A milestone campaign paid a partner its credits for `period` ("w2026-11-30",
    "m2026-11"): they are told in their language."""
    partner_id: int
    program_id: int
    campaign_id: int
    period: str
    credits: int
    balance: int
