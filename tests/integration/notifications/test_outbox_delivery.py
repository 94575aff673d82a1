"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from compete.extensions import db
from compete.notifications.models import OutboxMessage, OutboxStatus
from compete.notifications.services import queue_email, send_pending


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def test_queued_message_is_delivered_with_norwegian_letters(app, smtp, clock):
    clock.set(datetime(2026, 3, 15, 11, 0, tzinfo=UTC))
    queued = queue_email("notifications/test", to="mottaker@example.test", language="nb")

    sent, failed = send_pending()

    assert (sent, failed) == (1, 0)
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received["To"] == "mottaker@example.test"
    assert received["Subject"] == "Testmelding fra Compete – æøå ÆØÅ"
    assert "Hvis du kan lese æøå og ÆØÅ riktig, virker e-postutsendingen." in _body(received)
    assert received["X-Compete-Message-Id"] == str(queued.id)
    html = received.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="nb">' in html
    db.session.refresh(queued)
    assert queued.status == OutboxStatus.SENT
    assert queued.sent_at == clock.now()
    assert queued.attempts == 1


def test_message_is_rendered_in_the_recipients_language(app, smtp):
    queue_email("notifications/test", to="a@example.test", language="nn")
    queue_email("notifications/test", to="b@example.test", language="en")

    send_pending()

    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert subjects == ["Test message from Compete – æøå ÆØÅ", "Testmelding frå Compete – æøå ÆØÅ"]


def test_nothing_is_lost_while_smtp_is_down(app, smtp, clock):
    clock.set(datetime(2026, 3, 15, 11, 0, tzinfo=UTC))
    app.config["OUTBOX_BACKOFF_SECONDS"] = 60
    queued = queue_email("notifications/test", to="mottaker@example.test")
    smtp.stop()
    try:
        assert send_pending() == (0, 1)

        db.session.refresh(queued)
        assert queued.status == OutboxStatus.PENDING
        assert queued.attempts == 1
        assert queued.last_error.startswith("ConnectionRefusedError")
        assert queued.sent_at is None

        # SMTP is back, but the message is not due again before the backoff has passed.
        smtp.start()
        clock.advance(timedelta(seconds=59))
        assert send_pending() == (0, 0)
        clock.advance(timedelta(seconds=1))
        assert send_pending() == (1, 0)
    finally:
        app.config["OUTBOX_BACKOFF_SECONDS"] = 0

    db.session.refresh(queued)
    assert queued.status == OutboxStatus.SENT
    assert queued.attempts == 2
    assert queued.last_error is None
    assert [m["To"] for m in smtp.messages] == ["mottaker@example.test"]


def test_backoff_doubles_and_gives_up_after_max_attempts(app, smtp, clock):
    queued = queue_email("notifications/test", to="mottaker@example.test")
    smtp.stop()
    app.config.update(OUTBOX_BACKOFF_SECONDS=10, OUTBOX_MAX_ATTEMPTS=3)
    try:
        start = clock.now()
        clock.set(start)
        send_pending()
        db.session.refresh(queued)
        assert queued.next_attempt_at - start == timedelta(seconds=10)
        clock.advance(timedelta(seconds=10))
        send_pending()
        db.session.refresh(queued)
        assert queued.next_attempt_at - clock.now() == timedelta(seconds=20)
        clock.advance(timedelta(seconds=20))
        send_pending()
        db.session.refresh(queued)
        assert (queued.status, queued.attempts) == (OutboxStatus.FAILED, 3)
    finally:
        app.config.update(OUTBOX_BACKOFF_SECONDS=0, OUTBOX_MAX_ATTEMPTS=8)

    smtp.start()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "retry-failed"])
    assert result.stdout == "requeued 1\n"
    assert send_pending() == (1, 0)
    assert len(smtp.messages) == 1


def test_rolled_back_transaction_sends_nothing(app, smtp):
    nested = db.session.begin_nested()
    queue_email("notifications/test", to="never@example.test")
    nested.rollback()

    assert send_pending() == (0, 0)
    assert smtp.messages == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_cli_queues_and_sends_a_test_message(app, smtp):
    runner = app.test_cli_runner()

    queued = runner.invoke(args=["outbox", "test", "drift@example.test", "--language", "en"])
    sent = runner.invoke(args=["outbox", "send"])

    assert queued.stdout.startswith("queued message ")
    assert sent.stdout == "sent 1, failed 0\n"
    assert smtp.messages[0]["Subject"] == "Test message from Compete – æøå ÆØÅ"


def test_an_address_smtp_cannot_carry_fails_without_stopping_the_others(app, smtp):
    bad = queue_email("notifications/test", to="gründer@example.test")
    good = queue_email("notifications/test", to="ok@example.test")

    assert send_pending() == (1, 1)

    db.session.refresh(bad)
    db.session.refresh(good)
    assert (bad.status, good.status) == (OutboxStatus.FAILED, OutboxStatus.SENT)
    assert bad.last_error.startswith("UnicodeEncodeError")
    assert [m["To"] for m in smtp.messages] == ["ok@example.test"]
