"""The credits ledger: the only code that moves credits. Double-entry, append-only, integer.

Public API below; `tables` holds the tables, `internals` the wallet lock and entry helpers,
`lots` / `holds` / `budget` / `seal` / `verify` one concern each.
"""

from models.ledger.budget import Overtaken as BudgetOvertaken
from models.ledger.budget import count_at_commit as count_budget_at_commit
from models.ledger.budget import count_pending as count_budget_now
from models.ledger.bulk import Earn, earn_many
from models.ledger.held import asked, issued, returned_share, returns_while_held, withdraw_held
from models.ledger.lots import HistoryLine, unreversed
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
    held_credits,
    history,
    hold,
    refund,
    release,
    reverse,
    settle,
    wallet_balance,
)

__all__ = ["Balance", "BudgetOvertaken", "Earn", "EarnResult", "HistoryLine",
           "InsufficientCredits", "TierInfo", "UnknownWallet", "adjust", "asked",
           "count_budget_at_commit", "count_budget_now", "current_tier", "earn", "earn_many",
           "ensure_wallet", "expire_due", "expiring", "held_credits", "history", "hold",
           "issued", "refund", "release", "returned_share", "returns_while_held", "reverse",
           "settle", "unreversed", "wallet_balance", "withdraw_held"]
