"""referrals (invite codes, links) and per-campaign unsubscribe words

Revision ID: b7e3f1a2c9d4
Revises: 9a1d7de52d7a
Create Date: 2026-11-30 03:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = 'b7e3f1a2c9d4'
down_revision = '9a1d7de52d7a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'campaign_optouts',
        sa.Column('campaign_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('partner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], ),
        sa.PrimaryKeyConstraint('campaign_id', 'partner_id'),
    )
    op.create_table(
        'invite_codes',
        sa.Column('partner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], ),
        sa.PrimaryKeyConstraint('partner_id'),
        sa.UniqueConstraint('code'),
    )
    op.create_table(
        'referrals',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('program_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('referrer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('referee_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=True),
        sa.Column('credits', sa.Integer(), nullable=False),
        sa.Column('review_item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
        sa.Column('decided_at', models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], ),
        sa.ForeignKeyConstraint(['referee_id'], ['partners.id'], ),
        sa.ForeignKeyConstraint(['referrer_id'], ['partners.id'], ),
        sa.ForeignKeyConstraint(['review_item_id'], ['review_items.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('program_id', 'referee_id'),
    )
    op.create_index('ix_referrals_referrer_id', 'referrals', ['referrer_id'], unique=False)
    op.create_index('ix_referrals_decided_at', 'referrals', ['decided_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_referrals_decided_at', table_name='referrals')
    op.drop_index('ix_referrals_referrer_id', table_name='referrals')
    op.drop_table('referrals')
    op.drop_table('invite_codes')
    op.drop_table('campaign_optouts')
