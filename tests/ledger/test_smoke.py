from models import ledger


def test_earn_hold_settle_release(db, programs, make_partner, clock):
    program = programs["LUBE"]
    p = make_partner(program)
    r = ledger.earn(db, partner_id=p.id, program_id=program.id, credits=100, key="k1",
                    cause="certification", cause_ref="basic")
    assert r.credits == 100 and not r.queued_for_review
    assert ledger.earn(db, partner_id=p.id, program_id=program.id, credits=100, key="k1",
                       cause="certification", cause_ref="basic").entry_id == r.entry_id
    b = ledger.wallet_balance(db, p.id, program.id)
    assert b == ledger.Balance(100, 0, 100, 0, 0)
    h = ledger.hold(db, partner_id=p.id, program_id=program.id, credits=60, key="h1",
                    cause="redemption", cause_ref="r1")
    assert ledger.wallet_balance(db, p.id, program.id) == ledger.Balance(100, 60, 40, 0, 0)
    ledger.settle(db, h, key="s1")
    assert ledger.wallet_balance(db, p.id, program.id) == ledger.Balance(40, 0, 40, 0, 0)
    h2 = ledger.hold(db, partner_id=p.id, program_id=program.id, credits=40, key="h2",
                     cause="redemption", cause_ref="r2")
    ledger.release(db, h2, key="rel2")
    assert ledger.wallet_balance(db, p.id, program.id).available == 40
    print(ledger.history(db, p.id, program.id))
    print(ledger.current_tier(db, p.id, program.id))
