"""`flask check`: is this configuration fit to start? Each check says what it found, never a secret."""

from __future__ import annotations

import smtplib

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text

from compete.extensions import db

DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - the default we refuse


def _secret_key(app: Flask):
    key = app.config.get("SECRET_KEY") or ""
    if key == DEV_SECRET:
        return False, "SECRET_KEY is the development default"
    if len(key) < 32:
        return False, "SECRET_KEY is shorter than 32 characters"
    return True, "set"


def _database(app: Flask):
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        current = MigrationContext.configure(connection).get_current_heads()
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    heads = tuple(script.get_heads())
    if set(current) != set(heads):
        return False, f"{db.engine.dialect.name} reachable, schema at {current or 'nothing'}, code wants {heads}"
    return True, f"{db.engine.dialect.name} reachable, schema at head {heads[0]}"


def _storage(app: Flask):
    from compete.storage.backends import get_storage

    get_storage().check()
    return True, app.config["STORAGE_BACKEND"]


def _smtp(app: Flask):
    config = app.config
    if not config.get("MAIL_SERVER"):
        if config.get("DEMO_ALLOWED") and config.get("MAIL_FILE_DIR"):
            return True, f"no MAIL_SERVER: e-mail is written to {config['MAIL_FILE_DIR']}"
        return False, "MAIL_SERVER is not set: e-mail would stay in the outbox"
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout) as smtp:
        smtp.ehlo()
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME") and config.get("MAIL_PASSWORD"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.noop()
    return True, f"{config['MAIL_SERVER']}:{config['MAIL_PORT']} answers"


def _base_url(app: Flask):
    url = app.config.get("BASE_URL", "")
    if not app.config.get("DEMO_ALLOWED") and not url.startswith("https://"):
        return False, f"BASE_URL {url!r} is not https (links in e-mails)"
    return True, url


CHECKS = (
    ("secret key", _secret_key),
    ("database", _database),
    ("storage", _storage),
    ("smtp", _smtp),
    ("base url", _base_url),
)


def run_checks(app: Flask) -> list[tuple[str, bool, str]]:
    results = []
    for name, check in CHECKS:
        try:
            ok, detail = check(app)
        except Exception as exc:  # noqa: BLE001 - a failed check is reported by its type, not raised
            ok, detail = False, f"{type(exc).__name__}: {str(exc)[:200]}"
        results.append((name, ok, detail))
    return results
