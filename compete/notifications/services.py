"""Queueing e-mail in the outbox and delivering it through Flask-Mail.

Services call `queue_email()` inside their transaction (flush only): when the
transaction rolls back, nothing is sent. `send_pending()` runs after commit,
from `flask worker` (or `flask outbox send`), and retries with backoff.
"""

from __future__ import annotations

import logging
import re
import smtplib
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_mail import Connection, Message
from sqlalchemy import select

from compete.core.db import write_lock
from compete.core.logs import current_request_id
from compete.core.time import now
from compete.extensions import db
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
        request_id=current_request_id(),
    )
    db.session.add(message)
    db.session.flush()
    log.info("outbox #%s queued: %s", message.id, kind)
    return message


def queue_email_to_members(
    members_of, kind: str, /, *, competition=None, officers_only: bool = False, **context
) -> list[OutboxMessage]:
    """queue_email() to every member of the organisation `members_of` (its officers only when
    asked), each in their own language and as the message's recipient. (Positional, so that the
    templates' context may have an `organisation` of its own.)"""
    return [
        queue_email(
            kind,
            to=membership.user.email,
            language=membership.user.language,
            recipient=membership.user,
            competition=competition,
            **context,
        )
        for membership in members_of.memberships
        if membership.is_officer or not officers_only
    ]


class _TimedConnection(Connection):
    """Flask-Mail's connection with a socket timeout: a server that accepts and never answers
    makes the attempt fail (and be retried later) instead of hanging the worker."""

    def configure_host(self):
        timeout = current_app.config["MAIL_TIMEOUT_SECONDS"]
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=timeout)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


@dataclass(frozen=True)
class _Envelope:
    """What the sender needs, copied out of the row so no transaction stays open while sending."""

    id: int
    recipient_email: str
    subject: str
    body_text: str
    body_html: str
    request_id: str | None
    attempts: int


def _message(envelope: _Envelope) -> Message:
    msg = Message(
        subject=envelope.subject,
        recipients=[envelope.recipient_email],
        body=envelope.body_text,
        html=envelope.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    msg.extra_headers = {"X-Compete-Message-Id": str(envelope.id)}
    if envelope.request_id:
        msg.extra_headers["X-Request-ID"] = envelope.request_id
    return msg


def _deliver(envelope: _Envelope) -> None:
    config = current_app.config
    msg = _message(envelope)
    if not config.get("MAIL_SERVER"):
        # Development: each message becomes an .eml file a demo user can open.
        directory = Path(config["MAIL_FILE_DIR"])
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{envelope.id:06d}.eml").write_bytes(msg.as_bytes())
        log.info("outbox #%s written to %s", envelope.id, directory)
        return
    with _TimedConnection(current_app.extensions["mail"]) as connection:
        connection.send(msg)


def delivery_configured() -> bool:
    config = current_app.config
    return bool(config.get("MAIL_SERVER") or config.get("MAIL_FILE_DIR"))


def claim_due(limit: int) -> list[_Envelope]:
    """Claim due messages in one short transaction and commit: on PostgreSQL `FOR UPDATE SKIP
    LOCKED` lets several workers claim at once without taking the same message; the claim moves the
    message's next attempt OUTBOX_CLAIM_SECONDS ahead, so no other worker takes it while it is sent."""
    db.session.commit()
    with write_lock():
        messages = db.session.scalars(_due_query(limit).with_for_update(skip_locked=True)).all()
        lease = now() + timedelta(seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])
        envelopes = []
        for message in messages:
            message.attempts += 1
            message.next_attempt_at = lease
            envelopes.append(
                _Envelope(
                    message.id,
                    message.recipient_email,
                    message.subject,
                    message.body_text,
                    message.body_html,
                    message.request_id,
                    message.attempts,
                )
            )
        db.session.commit()
    return envelopes


def _record_result(envelope: _Envelope, error: BaseException | None) -> bool:
    """Mark the message sent or schedule its retry; True when it was sent."""
    config = current_app.config
    with write_lock():
        message = db.session.get(OutboxMessage, envelope.id)
        if error is None:
            message.status = OutboxStatus.SENT
            message.sent_at = now()
            message.last_error = None
        else:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if isinstance(error, UnicodeError) or envelope.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
                # A non-ASCII local part needs SMTPUTF8, which Flask-Mail lacks: retrying cannot help.
                message.status = OutboxStatus.FAILED
            else:
                backoff = config["OUTBOX_BACKOFF_SECONDS"] * 2 ** (envelope.attempts - 1)
                message.next_attempt_at = now() + timedelta(seconds=backoff)
            log.warning("outbox #%s failed (attempt %s): %s", envelope.id, envelope.attempts, type(error).__name__)
        db.session.commit()
    return error is None


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send due messages; no transaction is open while a message is on its way. Returns (sent, failed)."""
    if not delivery_configured():
        # Production without SMTP: messages stay pending (`flask check` reports it).
        return 0, 0
    sent = failed = 0
    for envelope in claim_due(limit):
        try:
            _deliver(envelope)
        except (UnicodeError, OSError, smtplib.SMTPException) as exc:
            error = exc
        else:
            error = None
        if _record_result(envelope, error):
            sent += 1
        else:
            failed += 1
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
