"""audit: one daily seal a day, claimed by the worker that makes it

Revision ID: d5e8a2b7c914
Revises: 7a3c9e1d2b40
Create Date: 2026-12-03 14:20:00

"""
from alembic import op
import sqlalchemy as sa

import compete.core.models  # noqa: F401 - custom column types


revision = 'd5e8a2b7c914'
down_revision = '7a3c9e1d2b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_daily_seals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('sealed_at', compete.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_daily_seals')),
    sa.UniqueConstraint('day', name=op.f('uq_audit_daily_seals_day'))
    )


def downgrade():
    op.drop_table('audit_daily_seals')
