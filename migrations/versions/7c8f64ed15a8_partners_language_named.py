"""partners.language_named: False for a shop a rep invited without naming its language (the
enroll flow asks it when the shop answers). A rep who named English could not be told apart
from one who named none (both "en"), so such a shop was asked its language again. Existing
invited shops in English keep being asked, as before.

Revision ID: 7c8f64ed15a8
Revises: a7c41e9b2d60
Create Date: 2026-11-30 20:50:32.952720
"""
from alembic import op
import sqlalchemy as sa


revision = '7c8f64ed15a8'
down_revision = 'a7c41e9b2d60'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language_named', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
    op.execute("UPDATE partners SET language_named = false "
               "WHERE status = 'invited' AND language = 'en'")


def downgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('language_named')
