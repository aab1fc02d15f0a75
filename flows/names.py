"""The name of every dialogue, in one place: flows refer to each other by these, not by
strings, and a conversation stored under a name since changed is read under the new one."""

from __future__ import annotations

from enum import StrEnum


class FlowName(StrEnum):
    MENU = "menu"
    ENROLL = "enroll"
    LANGUAGE = "language"
    WALLET = "wallet"
    LEARN = "learn"
    INVOICE = "invoice"
    SCAN = "scan"
    REDEEM = "redeem"
    VOUCHER_CHECK = "voucher_check"
    BULK_ENROLL = "bulk_enroll"
    AUDIT = "audit"
    CHOOSE_PROGRAM = "choose_program"
    SUPPORT = "support"
    VOICE = "voice"
    UNDERSTAND = "understand"
    NOTICE = "notice"
    MY_DATA = "my_data"
    INVITE = "invite"
    LEADERBOARD = "leaderboard"


# Old name -> new name, for conversations stored before a rename (read on load, never written).
RENAMED: dict[str, FlowName] = {"photo": FlowName.INVOICE}


def current(name: str) -> str:
    """The name a stored flow name goes by today."""
    return RENAMED.get(name, name)
