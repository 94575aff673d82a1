"""Operations: the database outage page, /metrics and its guard, /readyz, logs, `flask admin create`, `flask check`."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from compete import create_app
from compete.accounts.models import User
from compete.audit.models import AuditEntry
from compete.core.logs import RequestIdFilter, configure_logging
from compete.extensions import db
from compete.notifications.services import queue_email
from tests.conftest import free_port
from tests.factories import make_user
from tests.factories_submissions import make_setup, make_submitted


@pytest.fixture
def db_down_app(tmp_path):
    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing?connect_timeout=2",
        UPLOAD_DIR=str(tmp_path / "uploads"),
        PROPAGATE_EXCEPTIONS=False,
    )


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("nb", "Tjenesten er opptatt eller nede en liten stund"),
        ("nn", "Tenesta er oppteken eller nede ei lita stund"),
        ("en", "The service is busy or down for a moment"),
    ],
)
def test_a_database_outage_answers_503_with_retry_after_in_the_users_language(db_down_app, language, title):
    client = db_down_app.test_client()

    response = client.get("/", headers={"Accept-Language": language})

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert f'<h1 class="ds-heading" data-size="lg">{title}</h1>' in html
    assert f'<html lang="{language}">' in html


def test_a_database_outage_answers_json_to_background_requests(db_down_app):
    response = db_down_app.test_client().get("/", headers={"Accept": "application/json", "Accept-Language": "en"})

    assert response.status_code == 503
    assert response.get_json()["error"] == "The service is busy or down for a moment"


def test_metrics_are_hidden_from_the_public_and_shown_on_loopback(app, client):
    setup = make_setup()
    make_submitted(setup)
    db.session.commit()
    client.get("/healthz")

    public = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    local = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"})

    assert public.status_code == 404
    assert local.status_code == 200
    text = local.get_data(as_text=True)
    assert 'compete_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert 'compete_http_request_duration_seconds_bucket{le="0.005",route="/healthz"}' in text
    assert 'compete_outbox_messages{status="pending"} 1.0' in text
    assert "compete_outbox_oldest_pending_age_seconds" in text
    assert "compete_outbox_failed_sends 0.0" in text
    assert f'compete_submissions{{competition_id="{setup.competition.id}",stage_id="{setup.stage.id}"}} 1.0' in text


def test_metrics_with_a_token_need_the_token_even_on_loopback(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-token")

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


def test_readyz_reports_an_outbox_nobody_sends(app, client, clock):
    queue_email("notifications/test", to="a@example.test")
    db.session.commit()
    clock.advance(timedelta(seconds=app.config["READY_OUTBOX_MAX_AGE_SECONDS"] + 1))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.get_json() == {"database": "ok", "outbox": "stuck", "storage": "ok"}


def test_json_log_lines_carry_the_request_id_and_no_email_address(app, client, capsys):
    app.config["LOG_FORMAT"] = "json"
    try:
        configure_logging(app)
        make_user(email="hemmelig@example.test")
        db.session.commit()
        client.post("/reset", data={"email": "hemmelig@example.test"}, headers={"X-Request-ID": "abcdef0123456789"})
    finally:
        app.config["LOG_FORMAT"] = "text"
        configure_logging(app)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert lines
    assert {line["request_id"] for line in lines} == {"abcdef0123456789"}
    request_line = next(line for line in lines if line["logger"] == "compete.request")
    assert (request_line["route"], request_line["status"]) == ("/reset", 200)
    assert not any("hemmelig" in json.dumps(line) for line in lines)


def test_request_id_filter_marks_lines_outside_a_request():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", (), None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_admin_create_makes_a_verified_platform_administrator(app):
    result = app.test_cli_runner().invoke(
        args=["admin", "create", "sjef@example.test", "--name", "Sjef", "--password", "et-langt-passord-1"]
    )

    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.email == "sjef@example.test")).one()
    assert (user.is_admin, user.name, user.is_verified) == (True, "Sjef", True)
    assert result.output.strip() == f"created platform administrator #{user.id}"
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "user.made_platform_admin"


def test_admin_create_promotes_an_existing_account_and_keeps_its_password(app):
    user = make_user(email="kari@example.test")
    old_hash = user.password_hash
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["admin", "create", "kari@example.test"])

    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert (user.is_admin, user.password_hash) == (True, old_hash)


def test_admin_create_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["admin", "create", "ny@example.test", "--password", "kort"])

    assert result.exit_code == 1
    assert db.session.scalars(select(User).where(User.email == "ny@example.test")).first() is None


def test_check_fails_on_the_development_secret_and_names_each_check(app, smtp):
    result = app.test_cli_runner().invoke(args=["check"])

    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(("ok ", "FAIL "))]
    assert lines[0] == "FAIL secret key: SECRET_KEY is the development default"
    assert lines[1].startswith("ok   database: ")
    assert "schema at head" in lines[1]
    assert lines[2] == "ok   storage: local"
    assert lines[3] == f"ok   smtp: 127.0.0.1:{smtp.port} answers"


def test_check_passes_with_a_real_key_and_reports_an_unreachable_smtp(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "SECRET_KEY", "x" * 40)
    assert app.test_cli_runner().invoke(args=["check"]).exit_code == 0

    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert "FAIL smtp: ConnectionRefusedError" in result.output
