"""index of unanswered inbound messages

Revision ID: 0dc58a11c889
Revises: aaefef19c69e
Create Date: 2026-11-23 15:44:54.861488
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401 - autogenerate writes JSONB(astext_type=Text())


revision = '0dc58a11c889'
down_revision = 'aaefef19c69e'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # CONCURRENTLY: a big inbox is not locked against new messages while this builds.
        with op.get_context().autocommit_block():
            op.create_index('ix_inbox_messages_unanswered', 'inbox_messages', ['received_at'],
                            unique=False, postgresql_where=sa.text("status = 'received'"),
                            postgresql_concurrently=True)
        return
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_messages_unanswered', ['received_at'], unique=False,
                              sqlite_where=sa.text("status = 'received'"))


def downgrade() -> None:
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_messages_unanswered')
