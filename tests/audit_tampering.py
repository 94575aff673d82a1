"""Tampering with the audit tables as the database owner would: switch the append-only triggers
off inside the test's transaction (the rollback at the end of the test switches them back on)."""

from __future__ import annotations

from sqlalchemy import text

from compete.extensions import db

SQLITE_TRIGGERS = (
    "audit_entries_no_update",
    "audit_entries_no_delete",
    "audit_head_no_delete",
    "audit_head_new_chain",
    "audit_head_forward_only",
)


def triggers_off() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        db.session.execute(text("ALTER TABLE audit_head DISABLE TRIGGER USER"))
    else:
        for name in SQLITE_TRIGGERS:
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def tamper(sql: str, **params) -> None:
    """Run `sql` with the triggers off, then forget what the session cached."""
    db.session.flush()
    triggers_off()
    db.session.execute(text(sql), params)
    db.session.expire_all()
