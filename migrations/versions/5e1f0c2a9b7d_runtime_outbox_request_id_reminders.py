"""runtime: outbox request id, deadline reminders sent

Revision ID: 5e1f0c2a9b7d
Revises: 33364de84fd9
Create Date: 2026-12-02 13:50:00

"""
from alembic import op
import sqlalchemy as sa

import compete.core.models  # noqa: F401 - custom column types


revision = '5e1f0c2a9b7d'
down_revision = '33364de84fd9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))
    op.create_table('deadline_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('deadline_at', compete.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', compete.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_deadline_reminders_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_reminders')),
    sa.UniqueConstraint('submission_id', 'deadline_at', name='uq_deadline_reminders_submission_deadline')
    )


def downgrade():
    op.drop_table('deadline_reminders')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('request_id')
