"""invoice hsn and typed fields, review item rule

Revision ID: f090b7783209
Revises: 0dc58a11c889
Create Date: 2026-11-29 16:39:07.076310
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = 'f090b7783209'
down_revision = '0dc58a11c889'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hsn', sa.String(length=8), nullable=True))
        # Invoices already stored had nothing typed: '[]' fills them.
        batch_op.add_column(sa.Column(
            'typed', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'),
            nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_review_items_rule'), ['rule'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_items_rule'))
        batch_op.drop_column('rule')

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('typed')
        batch_op.drop_column('hsn')
