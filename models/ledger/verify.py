"""Check every ledger invariant; each problem names the entry, wallet or account at fault."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.ledger.internals import E, L, W
from models.ledger.seal import verify_chain
from models.ledger.tables import Account, AccountKind, Hold, HoldStatus, Posting

P = Posting.__table__
A = Account.__table__
H = Hold.__table__


def _sums(session: Session, group, *where) -> dict[int, int]:
    stmt = select(group, func.sum(P.c.amount)).select_from(P.join(A, A.c.id == P.c.account_id))
    return {k: int(v) for k, v in session.execute(stmt.where(*where).group_by(group))}


def check_entries(session: Session) -> list[str]:
    """Every entry's postings sum to zero and its `credits` equal its wallet postings."""
    problems = [f"entry {entry_id}: postings sum to {total}, not 0" for entry_id, total in
                session.execute(select(P.c.entry_id, func.sum(P.c.amount))
                                .group_by(P.c.entry_id).having(func.sum(P.c.amount) != 0)
                                .order_by(P.c.entry_id))]
    to_wallets = _sums(session, P.c.entry_id, A.c.kind == AccountKind.WALLET)
    for entry_id, credits in session.execute(select(E.c.id, E.c.credits).order_by(E.c.id)):
        if to_wallets.get(entry_id, 0) != credits:
            problems.append(f"entry {entry_id}: says {credits} credits, wallet postings say "
                            f"{to_wallets.get(entry_id, 0)}")
    return problems


def check_wallets(session: Session) -> list[str]:
    """Cached balances equal the postings, nothing below zero, lots and holds add up."""
    balances = _sums(session, P.c.account_id, A.c.kind.in_([AccountKind.WALLET,
                                                            AccountKind.DEBT]))
    lots = dict(session.execute(select(L.c.wallet_id, func.sum(L.c.remaining))
                                .group_by(L.c.wallet_id)).all())
    holds = dict(session.execute(select(H.c.wallet_id, func.sum(H.c.credits))
                                 .where(H.c.status == HoldStatus.OPEN)
                                 .group_by(H.c.wallet_id)).all())
    problems = []
    for w in session.execute(select(W).order_by(W.c.id)):
        name = f"wallet {w.id} (partner {w.partner_id}, program {w.program_id})"
        if min(w.balance, w.held, w.debt) < 0:
            problems.append(f"{name}: below zero (balance {w.balance}, held {w.held}, "
                            f"debt {w.debt})")
        if balances.get(w.account_id, 0) != w.balance:
            problems.append(f"{name}: cached balance {w.balance}, postings "
                            f"{balances.get(w.account_id, 0)}")
        if -balances.get(w.debt_account_id, 0) != w.debt:
            problems.append(f"{name}: cached debt {w.debt}, postings "
                            f"{-balances.get(w.debt_account_id, 0)}")
        if int(lots.get(w.id) or 0) != w.balance:
            problems.append(f"{name}: lots hold {int(lots.get(w.id) or 0)}, balance {w.balance}")
        if int(holds.get(w.id) or 0) != w.held:
            problems.append(f"{name}: open holds {int(holds.get(w.id) or 0)}, held {w.held}")
    bad_lots = session.execute(select(L.c.id).where(
        (L.c.remaining < 0) | (L.c.remaining > L.c.credits)).order_by(L.c.id)).scalars()
    problems += [f"lot {lot_id}: remaining outside 0..credits" for lot_id in bad_lots]
    clearing = _sums(session, A.c.program_id, A.c.kind == AccountKind.CLEARING)
    open_by_program = dict(session.execute(
        select(W.c.program_id, func.sum(H.c.credits)).join(W, W.c.id == H.c.wallet_id)
        .where(H.c.status == HoldStatus.OPEN).group_by(W.c.program_id)).all())
    for program_id in set(clearing) | set(open_by_program):
        if clearing.get(program_id, 0) != int(open_by_program.get(program_id) or 0):
            problems.append(f"program {program_id}: clearing holds {clearing.get(program_id, 0)}"
                            f", open holds {int(open_by_program.get(program_id) or 0)}")
    return problems


def verify(session: Session, *, chain: bool = True) -> list[str]:
    """Return every broken invariant (empty when the ledger is sound)."""
    problems = check_entries(session) + check_wallets(session)
    return problems + (verify_chain(session) if chain else [])
