"""sessions end on the server (users.session_token); queued account mail requests

Revision ID: 5e7a1c2b9d40
Revises: 1c3617630339
Create Date: 2026-12-02 14:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

import compete.core.models  # noqa: F401 - custom column types

# revision identifiers, used by Alembic.
revision = "5e7a1c2b9d40"
down_revision = "1c3617630339"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(session_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=64), nullable=False)

    op.create_table(
        "account_mail_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("register", "reset", "verify", name="mail_request_kind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("requested_at", compete.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("processed_at", compete.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_mail_requests")),
    )
    with op.batch_alter_table("account_mail_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_mail_requests_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_mail_requests_ip"), ["ip"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_mail_requests_requested_at"), ["requested_at"], unique=False)


def downgrade():
    with op.batch_alter_table("account_mail_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_mail_requests_requested_at"))
        batch_op.drop_index(batch_op.f("ix_account_mail_requests_ip"))
        batch_op.drop_index(batch_op.f("ix_account_mail_requests_email"))
    op.drop_table("account_mail_requests")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_token")
