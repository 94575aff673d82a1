"""organisations: Enhetsregisteret data and verification state; eligibility categories by registration age

Revision ID: b7e3a1c9d2f4
Revises: 189b5445bc1e
Create Date: 2026-12-02 17:50:00

"""
from alembic import op
import sqlalchemy as sa

import compete.core.models  # noqa: F401 - custom column types


revision = 'b7e3a1c9d2f4'
down_revision = "189b5445bc1e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('register_status', sa.Enum('verified', 'unverified', 'deleted', 'unknown', name='register_status', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('register_checked_at', compete.core.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('org_form_code', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('org_form', sa.String(length=150), nullable=True))
        batch_op.add_column(sa.Column('registered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('founded_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('business_address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('bankrupt', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('under_liquidation', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('under_forced_liquidation', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('deleted_on', sa.Date(), nullable=True))
    with op.batch_alter_table('eligibility_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_registration_years', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('eligibility_categories', schema=None) as batch_op:
        batch_op.drop_column('max_registration_years')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('deleted_on')
        batch_op.drop_column('under_forced_liquidation')
        batch_op.drop_column('under_liquidation')
        batch_op.drop_column('bankrupt')
        batch_op.drop_column('business_address')
        batch_op.drop_column('founded_on')
        batch_op.drop_column('registered_on')
        batch_op.drop_column('org_form')
        batch_op.drop_column('org_form_code')
        batch_op.drop_column('register_checked_at')
        batch_op.drop_column('register_status')
