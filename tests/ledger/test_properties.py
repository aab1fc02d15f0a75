"""Random sequences of ledger operations; every invariant is checked after every step."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import ledger
from models.ledger import InsufficientCredits, LedgerError
from models.ledger_verify import verify

OPS = st.one_of(
    st.tuples(st.just("earn"), st.integers(1, 300), st.sampled_from([0, 0, 15])),
    st.tuples(st.just("repeat"), st.integers(0, 50), st.just(0)),
    st.tuples(st.just("hold"), st.integers(1, 400), st.just(0)),
    st.tuples(st.just("release"), st.integers(0, 50), st.just(0)),
    st.tuples(st.just("settle"), st.integers(0, 50), st.just(0)),
    st.tuples(st.just("reverse"), st.integers(0, 50), st.integers(0, 150)),
    st.tuples(st.just("adjust"), st.integers(-200, 200), st.just(0)),
    st.tuples(st.just("time"), st.integers(1, 200), st.just(0)),
)
_run = itertools.count()


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(OPS, min_size=1, max_size=25))
def test_random_operations_keep_every_invariant(db, programs, make_partner, clock, steps):
    lube = programs["LUBE"]  # expiry after 365 days; no cap
    partner = make_partner(lube)
    run = next(_run)
    earned: list[str] = []
    holds: list[int] = []

    def key(kind: str, i: int) -> str:
        return f"{run}:{kind}:{i}"

    for i, (op, a, b) in enumerate(steps):
        before = ledger.wallet_balance(db, partner.id, lube.id)
        kw = dict(partner_id=partner.id, program_id=lube.id)
        try:
            if op == "earn":
                ledger.earn(db, **kw, credits=a, key=key("e", i), cause="invoice",
                            cause_ref=f"INV-{i}", lock_days=b)
                earned.append(key("e", i))
            elif op == "repeat" and earned:
                ledger.earn(db, **kw, credits=1, key=earned[a % len(earned)], cause="invoice",
                            cause_ref="again")
                assert ledger.wallet_balance(db, partner.id, lube.id) == before
            elif op == "hold":
                holds.append(ledger.hold(db, **kw, credits=a, key=key("h", i),
                                         cause="redemption", cause_ref=f"R{i}"))
                after = ledger.wallet_balance(db, partner.id, lube.id)
                assert (after.available, after.held) == (before.available - a, before.held + a)
            elif op in ("release", "settle") and holds:
                hold_id = holds.pop(a % len(holds))
                getattr(ledger, op)(db, hold_id, key=key(op, i))
            elif op == "reverse" and earned:
                ledger.reverse(db, key=key("r", i), original_key=earned[a % len(earned)],
                               reason="credit note", actor="test", credits=b or None)
            elif op == "adjust" and a:
                ledger.adjust(db, **kw, credits=a, key=key("a", i), reason="fix", actor="t")
            elif op == "time":
                clock.advance(days=a)
                ledger.expire_due(db)
        except InsufficientCredits:
            assert op in ("hold", "adjust")
            assert (a if op == "hold" else -a) > before.available
        except LedgerError as exc:
            assert op == "reverse", exc  # reversing more than is left is refused
        after = ledger.wallet_balance(db, partner.id, lube.id)
        assert min(after.balance, after.held, after.available, after.locked, after.debt) >= 0
        assert after.available == after.balance - after.held - after.locked
        assert verify(db, chain=False) == [], (op, a, b)
