"""notices: eForms settings per competition and generated notices

Revision ID: 7a3c9e1d2b40
Revises: 93d272501cfa
Create Date: 2026-12-02 17:40:00

"""
from alembic import op
import sqlalchemy as sa

import compete.core.models  # noqa: F401 - custom column types


revision = '7a3c9e1d2b40'
down_revision = "93d272501cfa"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('procedure_uuid', sa.String(length=36), nullable=False),
    sa.Column('cpv_codes', sa.String(length=200), nullable=False),
    sa.Column('nuts_code', sa.String(length=5), nullable=False),
    sa.Column('buyer_legal_type', sa.String(length=20), nullable=False),
    sa.Column('buyer_activity', sa.String(length=20), nullable=False),
    sa.Column('addresses', sa.JSON(), nullable=False),
    sa.Column('review_body', sa.JSON(), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('created_at', compete.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competitions.id'], name=op.f('fk_notice_settings_competition_id_competitions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_settings')),
    sa.UniqueConstraint('competition_id', name=op.f('uq_notice_settings_competition_id'))
    )
    op.create_table('eforms_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('notice_uuid', sa.String(length=36), nullable=False),
    sa.Column('call_version', sa.Integer(), nullable=True),
    sa.Column('changes_notice_id', sa.Integer(), nullable=True),
    sa.Column('xml', sa.Text(), nullable=False),
    sa.Column('validation', sa.JSON(), nullable=True),
    sa.Column('is_valid', sa.Boolean(), nullable=True),
    sa.Column('validated_at', compete.core.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('generated_at', compete.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('generated_by_id', sa.Integer(), nullable=False),
    sa.Column('doffin_reference', sa.String(length=40), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('created_at', compete.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changes_notice_id'], ['eforms_notices.id'], name=op.f('fk_eforms_notices_changes_notice_id_eforms_notices')),
    sa.ForeignKeyConstraint(['competition_id'], ['competitions.id'], name=op.f('fk_eforms_notices_competition_id_competitions')),
    sa.ForeignKeyConstraint(['generated_by_id'], ['users.id'], name=op.f('fk_eforms_notices_generated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eforms_notices')),
    sa.UniqueConstraint('competition_id', 'doffin_reference', name='uq_eforms_notices_reference'),
    sa.UniqueConstraint('notice_uuid', name=op.f('uq_eforms_notices_notice_uuid'))
    )
    with op.batch_alter_table('eforms_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eforms_notices_competition_id'), ['competition_id'], unique=False)


def downgrade():
    with op.batch_alter_table('eforms_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eforms_notices_competition_id'))
    op.drop_table('eforms_notices')
    op.drop_table('notice_settings')
