"""sales batches imported by a job: status, rows expected, stored file, error

Revision ID: d5a8c3e1f2b7
Revises: b7e3f1a2c9d4
Create Date: 2026-11-30 06:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'd5a8c3e1f2b7'
down_revision = 'b7e3f1a2c9d4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sales_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='done',
                                      nullable=False))
        batch_op.add_column(sa.Column('total', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('file', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('error', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sales_batches', schema=None) as batch_op:
        batch_op.drop_column('error')
        batch_op.drop_column('file')
        batch_op.drop_column('total')
        batch_op.drop_column('status')
