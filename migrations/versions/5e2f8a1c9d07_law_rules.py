"""law rules: four eyes on payments per buyer, retention period, personal template fields,
minimisation runs (R37, R43, R45, R49)

Revision ID: 5e2f8a1c9d07
Revises: 5e7a1c2b9d40
Create Date: 2026-12-02 14:10:00

"""
from alembic import op
import sqlalchemy as sa

import compete.core.models  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '5e2f8a1c9d07'
down_revision = '5e7a1c2b9d40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payments_four_eyes', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('competitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_years', sa.Integer(), server_default='10', nullable=False))
        batch_op.create_check_constraint(op.f('ck_competitions_retention_positive'), 'retention_years >= 1')

    with op.batch_alter_table('template_fields', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_data', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('minimisation_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('run_at', compete.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('created_at', compete.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competitions.id'], name=op.f('fk_minimisation_runs_competition_id_competitions')),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_minimisation_runs_stage_id_stages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minimisation_runs')),
    sa.UniqueConstraint('stage_id', name=op.f('uq_minimisation_runs_stage_id'))
    )
    with op.batch_alter_table('minimisation_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minimisation_runs_competition_id'), ['competition_id'], unique=False)


def downgrade():
    with op.batch_alter_table('minimisation_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minimisation_runs_competition_id'))

    op.drop_table('minimisation_runs')

    with op.batch_alter_table('template_fields', schema=None) as batch_op:
        batch_op.drop_column('personal_data')

    with op.batch_alter_table('competitions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_competitions_retention_positive'), type_='check')
        batch_op.drop_column('retention_years')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('payments_four_eyes')
