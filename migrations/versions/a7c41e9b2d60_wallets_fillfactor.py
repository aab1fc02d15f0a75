"""ledger_wallets: half of each page left free (fillfactor 50), so that a wallet's balance
update is a HOT update that writes none of its indexes (PostgreSQL; SQLite: nothing). Pages
written from now on keep the room; the rows already there move to such pages as they change.

Revision ID: a7c41e9b2d60
Revises: d5a8c3e1f2b7
Create Date: 2026-11-30 13:15:00.000000
"""
from alembic import op

revision = 'a7c41e9b2d60'
down_revision = 'd5a8c3e1f2b7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE ledger_wallets SET (fillfactor = 50)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE ledger_wallets RESET (fillfactor)")
