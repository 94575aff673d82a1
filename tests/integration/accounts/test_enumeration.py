"""Registration and reset answer the same, the same way, for existing and missing addresses, and
mails are limited per address and per IP address (issue 10: account enumeration and mail flooding)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from compete.accounts.models import AccountMailRequest, User
from compete.accounts.services import process_mail_requests
from compete.extensions import db
from tests.factories import make_user
from tests.factories_accounts import PASSWORD, outbox


def register(client, email):
    data = {"name": "Kari Nordmann", "email": email, "password": "twelve chars ok", "privacy": "y"}
    return client.post("/register", data=data)


def reset(client, email, ip="127.0.0.1"):
    return client.post("/reset", data={"email": email}, environ_base={"REMOTE_ADDR": ip})


def statements(app, count_queries, send, email):
    """The SQL the request ran (parameters aside), and the response."""
    client = app.test_client()
    with count_queries() as counter:
        response = send(client, email)
    return [" ".join(s.split()) for s in counter.statements], response


@pytest.mark.parametrize("send", [register, reset], ids=["register", "reset"])
def test_existing_and_missing_address_run_the_same_queries_and_get_the_same_answer(app, count_queries, send):
    make_user("exists@example.test")
    statements(app, count_queries, send, "warm-up@example.test")
    known_sql, known = statements(app, count_queries, send, "exists@example.test")
    unknown_sql, unknown = statements(app, count_queries, send, "nobody@example.test")
    assert (known.status_code, known.headers.get("Location")) == (unknown.status_code, unknown.headers.get("Location"))
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert known_sql == unknown_sql
    assert sum(s.startswith("INSERT INTO account_mail_requests") for s in known_sql) == 1
    assert not any("FROM users" in s for s in known_sql)  # the address is looked up later, by the worker
    assert outbox() == []


def test_registration_signs_nobody_in_for_new_or_existing_address(app):
    make_user("exists@example.test")
    known, unknown = app.test_client(), app.test_client()
    register(known, "exists@example.test")
    register(unknown, "brand-new@example.test")
    assert (known.get("/profile").status_code, unknown.get("/profile").status_code) == (302, 302)
    assert process_mail_requests() == 2
    assert [(m.kind, m.recipient_email) for m in outbox()] == [
        ("accounts/registration_attempt", "exists@example.test"),
        ("accounts/verify", "brand-new@example.test"),
    ]
    assert db.session.scalar(select(func.count(User.id))) == 2  # no second account for the existing address


def test_twenty_resets_for_one_address_send_three_mails(app):
    make_user("victim@example.test")
    client = app.test_client()
    answers = {reset(client, "victim@example.test", ip=f"10.0.0.{i}").get_data(as_text=True) for i in range(20)}
    assert len(answers) == 1  # the limit is not visible in the answer
    assert process_mail_requests() == 3  # ACCOUNT_MAIL_MAX_PER_ADDRESS
    assert [m.recipient_email for m in outbox("accounts/reset")] == ["victim@example.test"] * 3


def test_resets_from_one_ip_are_limited_across_addresses(app):
    for i in range(25):
        make_user(f"user{i}@example.test")
    client = app.test_client()
    for i in range(25):
        assert reset(client, f"user{i}@example.test", ip="192.0.2.1").status_code == 200
    assert reset(client, "user0@example.test", ip="192.0.2.2").status_code == 200
    assert process_mail_requests() == 21  # ACCOUNT_MAIL_MAX_PER_IP from 192.0.2.1, and one from elsewhere
    assert len(outbox("accounts/reset")) == 21


def test_registrations_for_one_address_are_limited(app):
    make_user("owner@example.test")
    client = app.test_client()
    for _ in range(6):
        assert register(client, "Owner@Example.test").status_code == 200
    assert process_mail_requests() == 3
    assert [m.recipient_email for m in outbox()] == ["owner@example.test"] * 3


def test_verification_mails_are_limited(app):
    user = make_user("unverified@example.test", verified=False)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    for _ in range(5):
        client.post("/verify/resend")
    assert process_mail_requests() == 3
    assert [m.kind for m in outbox()] == ["accounts/verify"] * 3


def test_limits_count_within_the_window_only(app, clock):
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    make_user("patient@example.test")
    client = app.test_client()
    for _ in range(4):
        reset(client, "patient@example.test")
    clock.advance(timedelta(hours=1, seconds=1))
    reset(client, "patient@example.test")
    assert db.session.scalar(select(func.count(AccountMailRequest.id))) == 4


def test_handled_registration_keeps_no_password_hash(app):
    register(app.test_client(), "hash@example.test")
    process_mail_requests()
    request = db.session.scalars(select(AccountMailRequest)).one()
    assert (request.password_hash, request.processed_at is not None) == (None, True)


def test_handled_requests_are_deleted_after_30_days_and_exported_until_then(app, clock):
    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    user = make_user("old-request@example.test")
    reset(app.test_client(), user.email, ip="192.0.2.9")
    process_mail_requests()
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    exported = client.get("/profile/export.json").get_json()["account_requests"]
    assert exported == [{"kind": "reset", "at": "2026-03-02T09:00:00Z", "ip": "192.0.2.9", "answered": True}]
    clock.advance(timedelta(days=30, seconds=1))
    reset(app.test_client(), "someone-else@example.test")
    process_mail_requests()
    assert [r.email for r in db.session.scalars(select(AccountMailRequest))] == ["someone-else@example.test"]
