"""Queueing e-mail in the outbox and delivering it through Flask-Mail.

Services call `queue_email()` inside their transaction (flush only): when the
transaction rolls back, nothing is sent. `send_pending()` runs after commit,
from `flask outbox send` or right after a request, and retries with backoff.
"""

from __future__ import annotations

import logging
import re
import smtplib
from contextlib import nullcontext
from datetime import timedelta

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import select

from compete.core.time import now
from compete.extensions import db, mail
from compete.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


def queue_email(
    kind: str,
    to: str,
    *,
    language: str = "nb",
    recipient=None,
    competition=None,
    **context,
) -> OutboxMessage:
    """Render templates/emails/<kind>.{subject,txt,html} in `language` and queue the message.

    Rendering happens now, so the message says what was true when it was queued.
    """
    language = language if language in current_app.config["LANGUAGES"] else "nb"
    context.setdefault("base_url", current_app.config["BASE_URL"].rstrip("/"))
    context.setdefault("recipient", recipient)
    context.setdefault("competition", competition)
    # Outside a request (CLI, worker) url_for still works: paths are made relative to BASE_URL.
    request_context = nullcontext() if has_request_context() else current_app.test_request_context("/")
    with request_context, force_locale(language):
        subject = render_template(f"emails/{kind}.subject.txt", **context).strip()
        body_text = render_template(f"emails/{kind}.txt", **context)
        body_html = render_template(f"emails/{kind}.html", **context)
    message = OutboxMessage(
        kind=kind,
        recipient_email=to,
        recipient_id=getattr(recipient, "id", None),
        competition_id=getattr(competition, "id", None),
        language=language,
        subject=re.sub(r"[ \t\r\n]+", " ", subject),  # keeps the non-breaking space in "50 000 kr"
        body_text=body_text,
        body_html=body_html,
        status=OutboxStatus.PENDING,
        next_attempt_at=now(),
    )
    db.session.add(message)
    db.session.flush()
    if not current_app.config.get("MAIL_SERVER"):
        log.info("outbox #%s (no MAIL_SERVER, kept pending) to %s: %s\n%s", message.id, to, message.subject, body_text)
    return message


def _deliver(message: OutboxMessage) -> None:
    msg = Message(
        subject=message.subject,
        recipients=[message.recipient_email],
        body=message.body_text,
        html=message.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    msg.extra_headers = {"X-Compete-Message-Id": str(message.id)}
    mail.send(msg)


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send due messages; commit after each so a crash loses nothing. Returns (sent, failed)."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        # Development without SMTP: messages were logged when queued and stay pending.
        return 0, 0
    sent = failed = 0
    ids = db.session.scalars(_due_query(limit).with_only_columns(OutboxMessage.id)).all()
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.status != OutboxStatus.PENDING:
            continue
        message.attempts += 1
        try:
            _deliver(message)
        except UnicodeError as exc:
            # A non-ASCII local part needs SMTPUTF8, which Flask-Mail lacks: retrying cannot help.
            failed += 1
            message.status = OutboxStatus.FAILED
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            log.warning("outbox #%s to %s cannot be sent: %s", message.id, message.recipient_email, message.last_error)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
                message.status = OutboxStatus.FAILED
            else:
                backoff = config["OUTBOX_BACKOFF_SECONDS"] * 2 ** (message.attempts - 1)
                message.next_attempt_at = now() + timedelta(seconds=backoff)
            log.warning(
                "outbox #%s to %s failed (attempt %s): %s",
                message.id,
                message.recipient_email,
                message.attempts,
                message.last_error,
            )
        else:
            sent += 1
            message.status = OutboxStatus.SENT
            message.sent_at = now()
            message.last_error = None
        db.session.commit()
    return sent, failed


def _due_query(limit: int):
    return (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now())
        .order_by(OutboxMessage.id)
        .limit(limit)
    )


def retry_failed() -> int:
    """Put messages that gave up back in the queue (after fixing SMTP)."""
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)).all()
    for message in messages:
        message.status = OutboxStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = now()
    db.session.flush()
    return len(messages)
