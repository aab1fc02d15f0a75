"""invoices.returns: the credit notes against an invoice, {note number: paise returned}. An
invoice is returned in full once they add up to its total (it was decided by the credits
reversed, which each note rounded up to at least 1: a tenth returned of a 1-credit invoice
showed RETURNED). Filled from the audit rows of the notes recorded before.

Revision ID: 1fe6e26b8876
Revises: 7c8f64ed15a8
Create Date: 2026-11-30 21:40:41.602103
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = '1fe6e26b8876'
down_revision = '7c8f64ed15a8'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returns', JSON, server_default=sa.text("'{}'"),
                                      nullable=False))
    audit = sa.table('admin_audit', sa.column('action', sa.String),
                     sa.column('target', sa.String), sa.column('after', JSON))
    invoices = sa.table('invoices', sa.column('id', sa.BigInteger), sa.column('returns', JSON))
    bind = op.get_bind()
    found: dict[int, dict[str, int]] = {}
    for target, after in bind.execute(sa.select(audit.c.target, audit.c.after)
                                      .where(audit.c.action == 'invoice.return')):
        if target.startswith('invoice:') and after and after.get('note'):
            notes = found.setdefault(int(target.split(':')[1]), {})
            notes[after['note']] = int(after.get('returned_paise') or 0)  # one row a brand
    for invoice_id, notes in found.items():
        bind.execute(invoices.update().where(invoices.c.id == invoice_id)
                     .values(returns=notes))


def downgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('returns')
