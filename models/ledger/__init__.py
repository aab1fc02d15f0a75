"""The credits ledger: the only code that moves credits. Double-entry, append-only, integer.

Public API below; `tables` holds the tables, `internals` the wallet lock and entry helpers,
`lots` / `holds` / `budget` / `seal` / `verify` one concern each.
"""

from models.ledger.bulk import Earn, earn_many
from models.ledger.lots import HistoryLine
from models.ledger.operations import (
    Balance,
    EarnResult,
    InsufficientCredits,
    TierInfo,
    UnknownWallet,
    adjust,
    current_tier,
    earn,
    ensure_wallet,
    expire_due,
    expiring,
    history,
    hold,
    refund,
    release,
    reverse,
    settle,
    wallet_balance,
)

__all__ = ["Balance", "Earn", "EarnResult", "HistoryLine", "InsufficientCredits", "TierInfo",
           "UnknownWallet", "adjust", "current_tier", "earn", "earn_many", "ensure_wallet",
           "expire_due", "expiring", "history", "hold", "refund", "release", "reverse", "settle",
           "wallet_balance"]
