"""durable jobs and scheduler heartbeats

Revision ID: 46ec9790e5bb
Revises: f090b7783209
Create Date: 2026-11-29 16:27:48.343149
"""
from alembic import op
import sqlalchemy as sa
import models.base
from sqlalchemy import Text  # noqa: F401 - autogenerate writes JSONB(astext_type=Text())
from sqlalchemy.dialects import postgresql

revision = '46ec9790e5bb'
down_revision = 'f090b7783209'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('heartbeats',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('owner', sa.String(length=80), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeats'))
    )
    op.create_table('job_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('func', sa.String(length=120), nullable=False),
    sa.Column('args', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('runner', sa.String(length=32), nullable=True),
    sa.Column('lease_until', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_records'))
    )
    with op.batch_alter_table('job_records', schema=None) as batch_op:
        batch_op.create_index('ix_job_records_open', ['updated_at'], unique=False, postgresql_where=sa.text("status IN ('queued', 'running')"), sqlite_where=sa.text("status IN ('queued', 'running')"))


def downgrade() -> None:
    with op.batch_alter_table('job_records', schema=None) as batch_op:
        batch_op.drop_index('ix_job_records_open', postgresql_where=sa.text("status IN ('queued', 'running')"), sqlite_where=sa.text("status IN ('queued', 'running')"))

    op.drop_table('job_records')
    op.drop_table('heartbeats')
