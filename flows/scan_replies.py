"""Say what came of each scanned code, in the partner's language (flow and photo job)."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import NP_, format_credits, translate
from models.base import IST
from models.codes.scan import ScanOutcome
from models.codes.tables import ScanStatus


def ist(moment: datetime) -> str:
    """12 Mar 2026 10:00 UTC -> '12-03-2026 15:30 IST'."""
    return moment.astimezone(IST).strftime("%d-%m-%Y %H:%M IST")


def describe(outcome: ScanOutcome, lang: str) -> str:
    """One line for one code: credits and balance, or exactly why not."""
    code = outcome.code
    match outcome.status:
        case ScanStatus.CREDITED:
            return translate(lang, NP_("Code {code}: {n} credit added. New balance: {balance}.",
                                       "Code {code}: {n} credits added. New balance: "
                                       "{balance}."), code=code, n=outcome.credits,
                             balance=format_credits(outcome.balance or 0, lang))
        case ScanStatus.REVIEW:
            return translate(lang, "Code {code} is under review. We will message you when it is "
                             "checked.", code=code)
        case ScanStatus.USED if outcome.used_by_you:
            return translate(lang, "Code {code}: you already scanned it on {when}.", code=code,
                             when=ist(outcome.used_at))
        case ScanStatus.USED:
            return translate(lang, "Code {code} was already used on {when}.", code=code,
                             when=ist(outcome.used_at))
        case ScanStatus.VOID:
            return translate(lang, "Code {code} is from a withdrawn batch and earns no credits.",
                             code=code)
        case ScanStatus.NOT_MEMBER:
            return translate(lang, "Code {code} is for the {program} program, which you have "
                             "not joined.", code=code, program=outcome.program)
        case _:
            return translate(lang, "Code {code} is not valid. Check it and try again.", code=code)


def summary(outcomes: list[ScanOutcome], lang: str) -> str:
    """All outcomes of one message, one line each."""
    return "\n".join(describe(o, lang) for o in outcomes)
