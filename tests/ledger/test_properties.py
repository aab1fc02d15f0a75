"""Random sequences of ledger operations; every invariant is checked after every step."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models import ledger
from models.ledger.operations import InsufficientCredits, LedgerError
from models.ledger.tables import JournalEntry
from models.ledger.verify import verify

# Weighted: earns and small holds often, so releases, settles, refunds and reversals have
# work to do.
NAMES = ["earn"] * 4 + ["hold"] * 3 + ["release"] * 2 + ["settle"] * 2 + [
    "refund", "refund", "repeat", "reverse", "reverse", "adjust", "time"]
OPS = st.tuples(st.sampled_from(NAMES), st.integers(1, 250), st.integers(0, 120))
_run = itertools.count()


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(OPS, min_size=6, max_size=30))
# Always run: a refund of a settled hold, and one whose lots expired in the meantime.
@example(steps=[("earn", 200, 1), ("hold", 100, 0), ("settle", 0, 0), ("earn", 50, 3),
                ("refund", 0, 0), ("hold", 120, 0), ("settle", 0, 0), ("time", 200, 0),
                ("refund", 0, 0)])
def test_random_operations_keep_every_invariant(db, programs, make_partner, clock, steps):
    lube = programs["LUBE"]  # expiry after 365 days; no cap
    partner = make_partner(lube)
    run = next(_run)
    earned: list[str] = []
    holds: list[int] = []
    settled: list[int] = []
    sizes: dict[int, int] = {}  # hold id → credits held

    def key(kind: str, i: int) -> str:
        return f"{run}:{kind}:{i}"

    for i, (op, a, b) in enumerate(steps):
        before = ledger.wallet_balance(db, partner.id, lube.id)
        kw = dict(partner_id=partner.id, program_id=lube.id)
        try:
            if op == "earn":
                ledger.earn(db, **kw, credits=a, key=key("e", i), cause="invoice",
                            cause_ref=f"INV-{i}", lock_days=15 if b % 3 == 0 else 0)
                earned.append(key("e", i))
            elif op == "repeat" and earned:
                ledger.earn(db, **kw, credits=1, key=earned[a % len(earned)], cause="invoice",
                            cause_ref="again")
                assert ledger.wallet_balance(db, partner.id, lube.id) == before
            elif op == "hold":
                n = a // 2 + 1
                holds.append(ledger.hold(db, **kw, credits=n, key=key("h", i),
                                         cause="redemption", cause_ref=f"R{i}"))
                sizes[holds[-1]] = n
                after = ledger.wallet_balance(db, partner.id, lube.id)
                assert (after.available, after.held) == (before.available - n, before.held + n)
            elif op in ("release", "settle") and holds:
                hold_id = holds.pop(a % len(holds))
                getattr(ledger, op)(db, hold_id, key=key(op, i))
                if op == "settle":
                    settled.append(hold_id)
            elif op == "refund" and settled:
                hold_id = settled.pop(a % len(settled))
                entry_id = ledger.refund(db, hold_id, key=key("f", i))
                assert ledger.refund(db, hold_id, key=key("f", i)) == entry_id  # once
                assert db.get(JournalEntry, entry_id).credits == sizes[hold_id]
                after = ledger.wallet_balance(db, partner.id, lube.id)
                assert after.balance == before.balance + sizes[hold_id]
            elif op == "reverse" and earned:
                ledger.reverse(db, key=key("r", i), original_key=earned[a % len(earned)],
                               reason="credit note", actor="test", credits=b if b > 60 else None)
            elif op == "adjust" and b != 60:
                ledger.adjust(db, **kw, credits=b - 60, key=key("a", i), reason="fix", actor="t")
            elif op == "time":
                clock.advance(days=a * 2)
                ledger.expire_due(db)
        except InsufficientCredits:
            assert op in ("hold", "adjust")
            assert (a // 2 + 1 if op == "hold" else 60 - b) > before.available
        except LedgerError as exc:
            assert op == "reverse", exc  # reversing more than is left is refused
        after = ledger.wallet_balance(db, partner.id, lube.id)
        assert min(after.balance, after.held, after.available, after.locked, after.debt) >= 0
        assert after.available == after.balance - after.held - after.locked
        assert verify(db, chain=False) == [], (op, a, b)
